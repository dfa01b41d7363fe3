// The function app on a Flex Consumption (FC1) plan.
// - Flex Consumption is the current serverless plan for Linux: per-instance scale to zero, and deployment from a blob
//   container with managed identity instead of a shared-key connection string.
// - The runtime (dotnet-isolated 10.0) is declared in functionAppConfig.runtime: on Flex the FUNCTIONS_WORKER_RUNTIME
//   and FUNCTIONS_EXTENSION_VERSION app settings are not allowed, so the caller must not pass them.
// - The user-assigned identity reads the deployment package, resolves Key Vault references and is what the app's
//   token credential uses.
// - The app settings come whole from the caller (main.bicep), which is where the values from every other module meet.

import { resourceTags } from 'types.bicep'

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app; the app also gets azd-service-name.')
param tags resourceTags

@description('azd service name in azure.yaml, tagged on the app so `azd deploy` finds it.')
param azdServiceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Blob endpoint of the host storage account, with a trailing slash.')
param deploymentBlobEndpoint string

@description('Container on the host storage account that holds the deployment package.')
param deploymentContainerName string

@description('App settings: names and values. No keys: every connection is an identity-based one.')
param appSettings {
  *: string
}

@description('Origins allowed to call the app from a browser (platform CORS). Empty: same-origin pages only.')
param corsAllowedOrigins string[]

@description('Upper bound of instances the plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': azdServiceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (@Microsoft.KeyVault(...)) resolve with this identity, not a system-assigned one.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The platform answers preflights and adds the CORS headers before the app runs. No credentials: the API takes
      // bearer tokens in a header, never cookies.
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${deploymentBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// Basic (user name and password) publishing is off: azd and the portal deploy with Entra ID tokens.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name, such as <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
