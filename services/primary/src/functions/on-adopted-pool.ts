// CloudFormation custom resource AdoptedUserPool (adopt mode, param primaryUserPoolId): checks the pool, installs
// cognito-dr's triggers in front of its own, and gives them back when the stack goes.
export { handler } from '@cognito-dr/adopt/handlers/on-adopted-pool';
