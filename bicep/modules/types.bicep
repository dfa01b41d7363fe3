// Shared types for the modules. Exported so each module states the exact shape it accepts.

@export()
@description('Tags: string values only, as Azure requires.')
type resourceTags = {
  *: string
}

@export()
@description('A Cosmos DB container of the app: its name, partition key path and optional default TTL in seconds.')
type cosmosContainer = {
  @description('Container name.')
  name: string

  @description('Partition key path, such as /id.')
  partitionKeyPath: string

  @description('Default time-to-live in seconds; omit to keep items until deleted.')
  defaultTtl: int?
}

@export()
@description('Which principal receives the data-plane roles, and whether it may also write Key Vault secrets.')
type dataAccessPrincipal = {
  @description('Object id of the principal.')
  principalId: string

  @description('Kind of principal, as role assignments need it to skip a directory lookup.')
  principalType: ('User' | 'ServicePrincipal' | 'Group')

  @description('Grant Key Vault Secrets Officer (set secrets) instead of Key Vault Secrets User (read secrets).')
  canWriteSecrets: bool
}

@export()
@description('The resources the app reads and writes, by name: what rbac.bicep grants access to.')
type dataResourceNames = {
  @description('Functions host storage account (runtime, Durable Functions, queues).')
  hostStorageAccountName: string

  @description('Media storage account (product images and uploads).')
  mediaStorageAccountName: string

  @description('Cosmos DB account.')
  cosmosAccountName: string

  @description('Cosmos DB database the data-plane role is scoped to.')
  cosmosDatabaseName: string

  @description('Service Bus namespace.')
  serviceBusNamespaceName: string

  @description('Key Vault.')
  keyVaultName: string

  @description('Application Insights component.')
  applicationInsightsName: string
}
