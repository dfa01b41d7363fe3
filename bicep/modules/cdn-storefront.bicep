// The storefront behind the Front Door endpoint of cdn.bicep: its pages, sitemaps and robots.txt, and the API the
// pages' scripts call, all from the function app. A module of its own because the function app's settings name the
// endpoint (cdn.bicep's outputs) while these routes name the function app: one module for both would be a cycle.

@description('Name of the Front Door profile (cdn.bicep).')
param profileName string

@description('Name of the endpoint (cdn.bicep).')
param endpointName string

@description('Default host name of the function app, such as func-abc.azurewebsites.net.')
param functionAppHostName string

@description('Principal id of the app\'s identity: it purges changed pages from the endpoint.')
param appPrincipalId string

resource profile 'Microsoft.Cdn/profiles@2025-04-15' existing = {
  name: profileName
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' existing = {
  parent: profile
  name: endpointName
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2025-04-15' = {
  parent: profile
  name: 'storefront'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
  }
}

resource origin 'Microsoft.Cdn/profiles/originGroups/origins@2025-04-15' = {
  parent: originGroup
  name: 'function-app'
  properties: {
    hostName: functionAppHostName
    originHostHeader: functionAppHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

// The shop's public paths onto the app's /api/storefront routes (originPath is put before the path). Cached as the
// app says (Cache-Control with s-maxage, ETag); the app purges a page when its product, category or collection changes.
resource pages 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  parent: endpoint
  name: 'storefront-pages'
  properties: {
    originGroup: {
      id: originGroup.id
    }
    originPath: '/api/storefront'
    patternsToMatch: [
      '/'
      '/products/*'
      '/categories/*'
      '/collections/*'
      '/cart'
      '/sitemap.xml'
      '/sitemaps/*'
      '/robots.txt'
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    cacheConfiguration: {
      // A page is the same whatever its query string (utm_* tags, gclid): one cached copy, not one per campaign link.
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: true
        contentTypesToCompress: [
          'text/html'
          'application/xml'
          'text/plain'
        ]
      }
    }
  }
  dependsOn: [
    origin
  ]
}

// The API on the storefront's own origin, so the pages' scripts need no CORS. Never cached: no cacheConfiguration.
resource api 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  parent: endpoint
  name: 'storefront-api'
  properties: {
    originGroup: {
      id: originGroup.id
    }
    patternsToMatch: [
      '/api/*'
    ]
    supportedProtocols: [
      'Https'
    ]
    httpsRedirect: 'Disabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
  }
  dependsOn: [
    origin
    pages
  ]
}

// CDN Profile Contributor on the profile: what the purge (afdEndpoints/purge/action) needs, and no more than this profile.
var cdnProfileContributor = 'ec156ff8-a8d1-4d15-830c-5b80698ca432'

resource purgeAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: profile
  name: guid(profile.id, appPrincipalId, cdnProfileContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cdnProfileContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
