// A standby pool's triggers refuse the public; an active pool's pass everything through untouched.
import type { CustomMessageTriggerEvent, PreSignUpTriggerEvent } from 'aws-lambda';
import { onCustomMessage, onPreSignUp, StandbyPoolError } from './posture';

const message = { triggerSource: 'CustomMessage_ForgotPassword' } as CustomMessageTriggerEvent;
const signUp = (triggerSource: PreSignUpTriggerEvent['triggerSource']) =>
  ({ triggerSource, response: { autoConfirmUser: false } }) as PreSignUpTriggerEvent;

it('an active pool sends its messages and takes sign-ups as they are', async () => {
  const deps = { isActive: async () => true };
  expect(await onCustomMessage(deps)(message)).toBe(message);
  const event = signUp('PreSignUp_SignUp');
  expect(await onPreSignUp(deps)(event)).toBe(event);
});

it('a standby pool refuses every message and every public sign-up, saying where to go instead', async () => {
  const deps = { isActive: async () => false };
  await expect(onCustomMessage(deps)(message)).rejects.toThrow(StandbyPoolError);
  await expect(onPreSignUp(deps)(signUp('PreSignUp_SignUp'))).rejects.toThrow(/standby.*active region/);
});

it('a standby pool still lets operators create users with AdminCreateUser', async () => {
  const event = signUp('PreSignUp_AdminCreateUser');
  expect(await onPreSignUp({ isActive: async () => false })(event)).toBe(event);
});
