// Middleware: after a failover the primary region is on standby, and a change made to its pool would be a change
// nobody sees (users are served by the other region) that a failback would then overwrite. Changing routes answer
// 409 there, naming where to go; GET still answers.
import type { Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RegionStandbyError } from './errors';

export interface ActiveRegionOptions {
  /** Whether this region is the active one (region roles). */
  isActive: () => Promise<boolean>;
}

export const requireActiveRegion = ({ isActive }: ActiveRegionOptions) => {
  const requireActiveRegionMiddlewareBefore = async (
    request: Request<APIGatewayProxyEvent>,
  ): Promise<void> => {
    if (request.event.httpMethod === 'GET') return;
    if (!(await isActive())) throw new RegionStandbyError();
  };
  return { before: requireActiveRegionMiddlewareBefore };
};
