// Azure Maps account for geocoding shipping addresses (fees by distance, the nearest warehouse; docs/shipping.md).
// Keyless: shared-key (local) authentication is disabled, so the app calls it with a Microsoft Entra token of its
// managed identity, which gets the narrowest built-in role that can geocode (Azure Maps Data Reader) on this account
// only. The app sends the account's uniqueId as x-ms-client-id (app setting Shipping__Geocoding__AzureMapsClientId).

import { resourceTags } from 'types.bicep'

@description('Name of the Azure Maps account.')
param name string

@description('Where the account keeps its data (Gen2 accounts are in a few regions; see docs/deployment.md).')
param location string

@description('Tags applied to the account.')
param tags resourceTags

@description('The function app\'s managed identity, which geocodes.')
param appPrincipalId string

// Built-in "Azure Maps Data Reader" (the same id in every tenant).
var mapsDataReaderRoleId = '423170ca-a8f6-4b0f-8487-9e4eb8f49bfa'

resource account 'Microsoft.Maps/accounts@2023-06-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'G2'
  }
  kind: 'Gen2'
  properties: {
    disableLocalAuth: true
  }
}

resource appGeocodes 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, appPrincipalId, mapsDataReaderRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', mapsDataReaderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('The account\'s client id (uniqueId): what the app sends as x-ms-client-id.')
output clientId string = account.properties.uniqueId

output name string = account.name
