// Param productionChecks (true in each service's prod params): a stage that serves real users refuses to package
// with settings that only suit a trial, unless each is opted out of explicitly: Cognito's own email sender (about
// 50 emails a day, where a failover sends every user a reset mail; sesSourceArn: none) and alarms that reach
// nobody (pageAlarmsTo: none).
'use strict';

/** Whether the stage asks for production checks. */
async function productionChecks(resolveVariable) {
  const value = await resolveVariable('param:productionChecks, null');
  if (value === null || value === undefined || value === '' || value === false || value === 'false')
    return false;
  if (value === true || value === 'true') return true;
  throw new Error('param productionChecks: must be true or false');
}

module.exports = { productionChecks };
