// Cosmos DB for NoSQL: one account written in two regions, the shop database and its containers.
// - Two write regions (multi-region writes) keep the API writable in either region if one is lost. The app writes to
//   one region only, the first (Cosmos:ApplicationRegion, set by main.bicep to this location): stock, coupon limits,
//   unique claims, idempotency keys and the webhook inbox rely on conditional writes (ETag, create-if-absent) that
//   hold only within one region. The second region takes the writes when the first is lost (the SDK fails over).
//   Were two regions written at once, the default conflict policy (last writer wins on _ts) would settle a conflict
//   silently: one order could take the last unit in each region. Writing near every shopper needs compute in several
//   regions and conflict handling that is not built yet.
// - Local (key) authentication is disabled: the app and developers use Entra ID with the Cosmos DB data-plane roles
//   (rbac.bicep). Key-based metadata writes are disabled too, so databases and containers change only through
//   deployments like this one, never from app code.
// - Throughput is provisioned at the database and shared by its containers (serverless accounts cannot have two
//   regions), with autoscale so an idle shop costs 10% of the maximum.

import { cosmosContainer, resourceTags } from 'types.bicep'

@description('Name of the account.')
@minLength(3)
@maxLength(44)
param accountName string

@description('First region: where the account resource lives, and failover priority 0.')
param location string

@description('Second write region; must differ from location.')
param secondaryLocation string

@description('Name of the database.')
param databaseName string

@description('Containers of the database.')
param containers cosmosContainer[]

@description('Autoscale maximum of the shared database throughput, in RU/s per region.')
@minValue(1000)
param maxThroughput int

@description('Tags applied to the account.')
param tags resourceTags

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
      {
        locationName: secondaryLocation
        failoverPriority: 1
        isZoneRedundant: false
      }
    ]
    enableMultipleWriteLocations: true
    enableAutomaticFailover: true
    consistencyPolicy: {
      // Session: a client reads its own writes, which is what a shopper and an admin expect after a POST.
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: {
      autoscaleSettings: {
        maxThroughput: maxThroughput
      }
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: union(
        {
          id: container.name
          partitionKey: {
            paths: [
              container.partitionKeyPath
            ]
            kind: 'Hash'
            version: 2
          }
        },
        // Only containers that ask for a TTL get one; others keep items until the app deletes them.
        container.?defaultTtl == null ? {} : { defaultTtl: container.defaultTtl! }
      )
    }
  }
]

@description('Name of the account, for role assignments.')
output accountName string = account.name

@description('Document endpoint, such as https://<account>.documents.azure.com:443/.')
output endpoint string = account.properties.documentEndpoint

@description('Name of the database.')
output databaseName string = database.name

@description('Names of the containers created.')
output containerNames string[] = [for (container, i) in containers: sqlContainers[i].name]
