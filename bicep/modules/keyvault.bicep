// Key Vault for the app's few third-party secrets (the SendGrid API key). The vault is created empty: secret values
// are set by a person after provisioning (docs/deployment.md), so no secret ever passes through a template, a
// parameter file or deployment history. Access is by Azure RBAC, not access policies, so the same role assignments
// mechanism as every other resource governs it.

import { resourceTags } from 'types.bicep'

@description('Name of the vault.')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags resourceTags

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // Soft delete is always on. Purge protection is left unset (off): once enabled it cannot be turned off, and it
    // would block `azd down --purge` from freeing the name of a throwaway environment.
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

@description('Name of the vault.')
output name string = vault.name

@description('Vault URI, with a trailing slash, such as https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
