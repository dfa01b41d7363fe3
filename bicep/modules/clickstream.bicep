// The clickstream's way to the data lake (docs/analytics.md, "Clickstream"): an Event Hubs namespace and hub that the
// function app sends the beacon's events to, keyless, and Event Hubs Capture writing every event to the data lake
// account's analytics-raw container as Avro files, in Capture's default layout, which BlobClickstreamArchive reads.
// - Standard tier: the cheapest with Capture. Local (SAS key) authentication is off: senders need an Entra ID role.
// - The data lake is an account of its own, with a hierarchical namespace (ADLS Gen2): Fabric shortcuts, Spark
//   (abfss://) and Data Explorer read it as a lake, raw events never share an account with the public product images,
//   and its lifecycle rule (the authoritative retention in Azure) touches nothing else.
// - Capture signs in with the namespace's own managed identity, which holds Storage Blob Data Contributor on the
//   account; the hub is created after that grant, so Capture can write from its first window.

import { resourceTags } from 'types.bicep'

@description('Name of the Event Hubs namespace.')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Name of the event hub the beacon\'s events go to.')
param hubName string = 'clickstream'

@description('Name of the data lake storage account (3 to 24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param dataLakeAccountName string

@description('Container Capture writes the raw events to (BlobClickstreamArchive.ContainerName).')
param rawContainerName string = 'analytics-raw'

@description('Days a raw capture file is kept; the lifecycle rule deletes older ones (the app\'s ExpireRawClickstream does the same with Analytics:RawRetentionDays).')
@minValue(1)
param rawRetentionDays int

@description('Partitions of the hub: a session\'s events go to one (partition key = session id); 4 spreads the load of a busy shop.')
@minValue(1)
@maxValue(32)
param partitionCount int = 4

@description('Capture window in seconds (60 to 900): a file per partition per window, when the window had events.')
@minValue(60)
@maxValue(900)
param captureIntervalSeconds int = 300

@description('Principal id of the function app\'s identity: sends to the hub and reads and expires the capture files.')
param appPrincipalId string

@description('Region of the namespace and the account.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

// Built-in role definition ids (the same in every tenant).
var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource dataLake 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: dataLakeAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    isHnsEnabled: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    publicNetworkAccess: 'Enabled'
    accessTier: 'Hot'
  }
}

resource dataLakeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: dataLake
  name: 'default'
}

resource rawContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: dataLakeBlobs
  name: rawContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The authoritative retention in Azure: the service deletes raw files older than rawRetentionDays on its own schedule.
resource rawRetention 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: dataLake
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-raw-clickstream'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${rawContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: rawRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    rawContainer
  ]
}

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource captureWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataLake
  name: guid(dataLake.id, namespace.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: namespace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    // Capture keeps the events; the hub's own copy is only for a consumer that falls behind.
    messageRetentionInDays: 1
    captureDescription: {
      enabled: true
      encoding: 'Avro'
      intervalInSeconds: captureIntervalSeconds
      sizeLimitInBytes: 314572800
      skipEmptyArchives: true
      destination: {
        name: 'EventHubArchive.AzureBlockBlob'
        identity: {
          type: 'SystemAssigned'
        }
        properties: {
          storageAccountResourceId: dataLake.id
          blobContainer: rawContainerName
          // Capture's default layout, which EventHubsCaptureFormat names and reads.
          archiveNameFormat: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}'
        }
      }
    }
  }
  dependsOn: [
    captureWriter
    rawContainer
  ]
}

resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hub
  name: guid(hub.id, appPrincipalId, eventHubsDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appArchiveReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataLake
  name: guid(dataLake.id, appPrincipalId, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Taken from the endpoint the service reports rather than built from a hard-coded DNS suffix (sovereign clouds).
@description('Fully qualified namespace, such as <name>.servicebus.windows.net (Analytics:EventHubs:Namespace).')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]

@description('Name of the hub (Analytics:EventHubs:Name).')
output hubName string = hub.name

@description('Blob endpoint of the data lake account (Analytics:RawEvents:BlobServiceUri).')
output dataLakeBlobServiceUri string = dataLake.properties.primaryEndpoints.blob

@description('Name of the data lake account.')
output dataLakeAccountName string = dataLake.name
