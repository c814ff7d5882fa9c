// Replication between pools whose users sign in with their phone number (the `phone` shape stack): the backup user
// is found by phone number and by its link to the home sub, never by the primary's username.
import { describeSignInReplication } from '../support/sign-in-replication';

describeSignInReplication('phone');
