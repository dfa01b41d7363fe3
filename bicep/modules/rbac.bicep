// Data-plane roles for one principal on every resource the app touches. main.bicep calls it for the function app's
// identity and, when a principalId is given, once more for the developer who runs `azd up`, so that person can run
// the app locally against the Azure resources (and set the SendGrid secret) with no keys.
// Each grant is the narrowest built-in role that covers what the app does there.

import { dataAccessPrincipal, dataResourceNames } from 'types.bicep'

@description('Who receives the roles.')
param principal dataAccessPrincipal

@description('The resources to grant access to.')
param resources dataResourceNames

// Built-in role definition ids (the same in every tenant).
var roles = {
  // Host storage: the Functions runtime keeps leases and Durable Functions history in blobs, queues and tables.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Media storage: write processed images, and get a user delegation key to sign upload SAS URLs.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Cosmos DB has its own data-plane RBAC; this is its built-in "Cosmos DB Built-in Data Contributor".
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: resources.hostStorageAccountName
}

resource mediaStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: resources.mediaStorageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: resources.cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: resources.serviceBusNamespaceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: resources.keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: resources.applicationInsightsName
}

resource hostStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    scope: hostStorage
    name: guid(hostStorage.id, principal.principalId, roleId)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principal.principalId
      principalType: principal.principalType
    }
  }
]

resource mediaStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in [roles.storageBlobDataContributor, roles.storageBlobDelegator]: {
    scope: mediaStorage
    name: guid(mediaStorage.id, principal.principalId, roleId)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principal.principalId
      principalType: principal.principalType
    }
  }
]

resource serviceBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: serviceBus
  name: guid(serviceBus.id, principal.principalId, roles.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: principal.principalId
    principalType: principal.principalType
  }
}

// The app only reads secrets; the deploying developer also sets them.
var keyVaultRoleId = principal.canWriteSecrets ? roles.keyVaultSecretsOfficer : roles.keyVaultSecretsUser

resource keyVaultSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, principal.principalId, keyVaultRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultRoleId)
    principalId: principal.principalId
    principalType: principal.principalType
  }
}

// Local auth is disabled on Application Insights: ingestion needs this role on the component.
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, principal.principalId, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
    principalId: principal.principalId
    principalType: principal.principalType
  }
}

// Scoped to the shop database rather than the whole account.
resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: cosmos
  name: guid(cosmos.id, principal.principalId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: principal.principalId
    scope: '${cosmos.id}/dbs/${resources.cosmosDatabaseName}'
  }
}
