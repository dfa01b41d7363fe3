// The function app's user-assigned managed identity.
// User-assigned rather than system-assigned: its client id and principal id exist before the site does, so the app
// settings (AzureWebJobsStorage__clientId, AZURE_CLIENT_ID) and every role assignment can be made in the same
// deployment without waiting on the site, and the grants survive deleting and recreating the function app.

import { resourceTags } from 'types.bicep'

@description('Name of the identity.')
param name string

@description('Region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags resourceTags

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for identity blocks, keyVaultReferenceIdentity and Flex deployment storage authentication.')
output id string = identity.id

@description('Client id: what the app and the Functions host pass to the token credential to pick this identity.')
output clientId string = identity.properties.clientId

@description('Object id of the service principal: what role assignments name.')
output principalId string = identity.properties.principalId
