// The two storage accounts, kept apart because they serve different readers:
// - the host account belongs to the Functions runtime: Flex deployment packages, Durable Functions state, queue
//   triggers, the app's own queues. Nothing on it is public.
// - the media account holds product images: a public-read container served through the CDN, and a private container
//   that browsers upload into with user-delegation SAS URLs the API hands out.
// Shared key access is disabled on both: every caller, the platform included, authenticates with Entra ID. User
// delegation SAS (signed with a key obtained through Entra ID) keeps working without shared keys.

import { resourceTags } from 'types.bicep'

@description('Name of the Functions host storage account.')
@minLength(3)
@maxLength(24)
param hostAccountName string

@description('Name of the media storage account.')
@minLength(3)
@maxLength(24)
param mediaAccountName string

@description('Region of both accounts.')
param location string

@description('Tags applied to both accounts.')
param tags resourceTags

@description('Blob container on the host account that Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Storage queues the app uses on the host account.')
param queueNames string[]

@description('Public-read container on the media account, the origin behind the CDN.')
param publicImagesContainerName string

@description('Public-read container on the media account for the ads feeds, served by the CDN at /<name>/*.')
param publicFeedsContainerName string

@description('Private container on the media account that browsers upload into with SAS URLs.')
param uploadsContainerName string

@description('More private containers on the media account that only the app reads and writes (the storefront\'s sitemaps).')
param privateContainerNames string[] = []

@description('Origins allowed to PUT blobs from a browser. The SAS is the credential; this only limits which pages may use one.')
param uploadCorsAllowedOrigins string[]

// Settings both accounts share: TLS 1.2, HTTPS only, Entra ID only.
var secureDefaults = {
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  allowSharedKeyAccess: false
  defaultToOAuthAuthentication: true
  publicNetworkAccess: 'Enabled'
  accessTier: 'Hot'
}

// ---------- Functions host account ----------

resource hostAccount 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: hostAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: union(secureDefaults, {
    allowBlobPublicAccess: false
  })
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: hostAccount
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: hostBlobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource hostQueues 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: hostAccount
  name: 'default'
}

// Created up front (with their -poison companions, passed in by the caller) so that a first message never races a
// queue's creation, and so the identity needs no permission to create queues at run time.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = [
  for queueName in queueNames: {
    parent: hostQueues
    name: queueName
  }
]

// ---------- Media account ----------

resource mediaAccount 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: mediaAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: union(secureDefaults, {
    // Required for the one public-read container below; every other container stays private by its own setting.
    allowBlobPublicAccess: true
  })
}

resource mediaBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: mediaAccount
  name: 'default'
  properties: {
    cors: {
      corsRules: [
        {
          // Browsers upload straight to storage with the SAS URL: a PUT of the blob (x-ms-blob-type and friends).
          allowedOrigins: uploadCorsAllowedOrigins
          allowedMethods: [
            'PUT'
          ]
          allowedHeaders: [
            'content-type'
            'x-ms-*'
          ]
          exposedHeaders: [
            'etag'
            'x-ms-request-id'
          ]
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource publicImagesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: mediaBlobs
  name: publicImagesContainerName
  properties: {
    // Blob-level public read (no listing): the CDN pulls from here anonymously.
    publicAccess: 'Blob'
  }
}

resource publicFeedsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: mediaBlobs
  name: publicFeedsContainerName
  properties: {
    // Blob-level public read (no listing), like the images: Merchant Center and Meta fetch the feeds through the CDN.
    publicAccess: 'Blob'
  }
}

resource uploadsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: mediaBlobs
  name: uploadsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource privateContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [for name in privateContainerNames: {
  parent: mediaBlobs
  name: name
  properties: {
    publicAccess: 'None'
  }
}]

@description('Name of the Functions host account.')
output hostAccountName string = hostAccount.name

@description('Blob endpoint of the host account, with a trailing slash.')
output hostBlobEndpoint string = hostAccount.properties.primaryEndpoints.blob

@description('Container Flex Consumption deploys from.')
output deploymentContainerName string = deploymentContainer.name

@description('Name of the media account.')
output mediaAccountName string = mediaAccount.name

// The endpoint always ends with '/'.
var mediaBlobEndpoint = mediaAccount.properties.primaryEndpoints.blob

@description('Blob service URI of the media account, without the trailing slash, as Media:BlobServiceUri expects.')
output mediaBlobServiceUri string = take(mediaBlobEndpoint, length(mediaBlobEndpoint) - 1)

@description('Host name of the media blob endpoint: the CDN origin.')
output mediaBlobHostName string = split(mediaBlobEndpoint, '/')[2]
