// The Cognito calls that read and write a pool's configuration (not its users), one function per operation, so every core names
// exactly the calls it makes (Pick<ConfigurationApi, ...>) and a fake can implement each one with Cognito's rules.
import {
  AddCustomAttributesCommand,
  type AddCustomAttributesRequest,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  type CreateGroupRequest,
  CreateIdentityProviderCommand,
  type CreateIdentityProviderRequest,
  CreateResourceServerCommand,
  type CreateResourceServerRequest,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientRequest,
  CreateUserPoolDomainCommand,
  type CreateUserPoolDomainRequest,
  DescribeIdentityProviderCommand,
  type DescribeIdentityProviderRequest,
  type DescribeIdentityProviderResponse,
  DescribeUserPoolClientCommand,
  type DescribeUserPoolClientRequest,
  type DescribeUserPoolClientResponse,
  DescribeUserPoolCommand,
  type DescribeUserPoolRequest,
  type DescribeUserPoolResponse,
  GetUserPoolMfaConfigCommand,
  type GetUserPoolMfaConfigRequest,
  type GetUserPoolMfaConfigResponse,
  ListGroupsCommand,
  type ListGroupsRequest,
  type ListGroupsResponse,
  ListIdentityProvidersCommand,
  type ListIdentityProvidersRequest,
  type ListIdentityProvidersResponse,
  ListResourceServersCommand,
  type ListResourceServersRequest,
  type ListResourceServersResponse,
  ListUserPoolClientsCommand,
  type ListUserPoolClientsRequest,
  type ListUserPoolClientsResponse,
  SetUserPoolMfaConfigCommand,
  type SetUserPoolMfaConfigRequest,
  UpdateGroupCommand,
  type UpdateGroupRequest,
  UpdateIdentityProviderCommand,
  type UpdateIdentityProviderRequest,
  UpdateResourceServerCommand,
  type UpdateResourceServerRequest,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientRequest,
  UpdateUserPoolCommand,
  type UpdateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';

/** A pool's MFA settings as GetUserPoolMfaConfig reports them and SetUserPoolMfaConfig takes them. */
export type MfaSettings = Omit<GetUserPoolMfaConfigResponse, '$metadata'>;

export interface ConfigurationApi {
  describeUserPool(input: DescribeUserPoolRequest): Promise<DescribeUserPoolResponse>;
  getUserPoolMfaConfig(input: GetUserPoolMfaConfigRequest): Promise<GetUserPoolMfaConfigResponse>;
  listUserPoolClients(input: ListUserPoolClientsRequest): Promise<ListUserPoolClientsResponse>;
  describeUserPoolClient(input: DescribeUserPoolClientRequest): Promise<DescribeUserPoolClientResponse>;
  listGroups(input: ListGroupsRequest): Promise<ListGroupsResponse>;
  listResourceServers(input: ListResourceServersRequest): Promise<ListResourceServersResponse>;
  listIdentityProviders(input: ListIdentityProvidersRequest): Promise<ListIdentityProvidersResponse>;
  describeIdentityProvider(input: DescribeIdentityProviderRequest): Promise<DescribeIdentityProviderResponse>;
  updateUserPool(input: UpdateUserPoolRequest): Promise<unknown>;
  setUserPoolMfaConfig(input: SetUserPoolMfaConfigRequest): Promise<unknown>;
  addCustomAttributes(input: AddCustomAttributesRequest): Promise<unknown>;
  createUserPoolClient(input: CreateUserPoolClientRequest): Promise<unknown>;
  updateUserPoolClient(input: UpdateUserPoolClientRequest): Promise<unknown>;
  createGroup(input: CreateGroupRequest): Promise<unknown>;
  updateGroup(input: UpdateGroupRequest): Promise<unknown>;
  createResourceServer(input: CreateResourceServerRequest): Promise<unknown>;
  updateResourceServer(input: UpdateResourceServerRequest): Promise<unknown>;
  createIdentityProvider(input: CreateIdentityProviderRequest): Promise<unknown>;
  updateIdentityProvider(input: UpdateIdentityProviderRequest): Promise<unknown>;
  createUserPoolDomain(input: CreateUserPoolDomainRequest): Promise<unknown>;
}

/** The reads of a pool's configuration (the scheduled check needs no more). */
export type ConfigurationReads = Pick<
  ConfigurationApi,
  | 'describeUserPool'
  | 'getUserPoolMfaConfig'
  | 'listUserPoolClients'
  | 'describeUserPoolClient'
  | 'listGroups'
  | 'listResourceServers'
  | 'listIdentityProviders'
  | 'describeIdentityProvider'
>;

/** The writes mirror makes to the backup pool; it never deletes anything. */
export type ConfigurationWrites = Pick<
  ConfigurationApi,
  | 'updateUserPool'
  | 'setUserPoolMfaConfig'
  | 'addCustomAttributes'
  | 'createUserPoolClient'
  | 'updateUserPoolClient'
  | 'createGroup'
  | 'updateGroup'
  | 'createResourceServer'
  | 'updateResourceServer'
  | 'createIdentityProvider'
  | 'updateIdentityProvider'
  | 'createUserPoolDomain'
>;

/** The API over an SDK client. */
export const configurationApi = (cognito: Pick<CognitoIdentityProviderClient, 'send'>): ConfigurationApi => ({
  describeUserPool: (input) => cognito.send(new DescribeUserPoolCommand(input)),
  getUserPoolMfaConfig: (input) => cognito.send(new GetUserPoolMfaConfigCommand(input)),
  listUserPoolClients: (input) => cognito.send(new ListUserPoolClientsCommand(input)),
  describeUserPoolClient: (input) => cognito.send(new DescribeUserPoolClientCommand(input)),
  listGroups: (input) => cognito.send(new ListGroupsCommand(input)),
  listResourceServers: (input) => cognito.send(new ListResourceServersCommand(input)),
  listIdentityProviders: (input) => cognito.send(new ListIdentityProvidersCommand(input)),
  describeIdentityProvider: (input) => cognito.send(new DescribeIdentityProviderCommand(input)),
  updateUserPool: (input) => cognito.send(new UpdateUserPoolCommand(input)),
  setUserPoolMfaConfig: (input) => cognito.send(new SetUserPoolMfaConfigCommand(input)),
  addCustomAttributes: (input) => cognito.send(new AddCustomAttributesCommand(input)),
  createUserPoolClient: (input) => cognito.send(new CreateUserPoolClientCommand(input)),
  updateUserPoolClient: (input) => cognito.send(new UpdateUserPoolClientCommand(input)),
  createGroup: (input) => cognito.send(new CreateGroupCommand(input)),
  updateGroup: (input) => cognito.send(new UpdateGroupCommand(input)),
  createResourceServer: (input) => cognito.send(new CreateResourceServerCommand(input)),
  updateResourceServer: (input) => cognito.send(new UpdateResourceServerCommand(input)),
  createIdentityProvider: (input) => cognito.send(new CreateIdentityProviderCommand(input)),
  updateIdentityProvider: (input) => cognito.send(new UpdateIdentityProviderCommand(input)),
  createUserPoolDomain: (input) => cognito.send(new CreateUserPoolDomainCommand(input)),
});
