// Azure Front Door (Standard) in front of the public product images.
// Front Door rather than classic Azure CDN: the classic Microsoft CDN SKUs are being retired, and Standard is the
// cheapest Front Door tier. Only /<publicContainer>/* is routed, so the private uploads container is never reachable
// through the CDN even by mistake.

import { resourceTags } from 'types.bicep'

@description('Name of the Front Door profile.')
param profileName string

@description('Name of the endpoint; Front Door appends a hash to make the host name unique.')
param endpointName string

@description('Host name of the origin: the media account blob endpoint, such as <account>.blob.core.windows.net.')
param originHostName string

@description('Public blob container served through the CDN; it becomes the first path segment of every URL.')
param publicContainerName string

@description('Public blob container of the ads feeds, served at /<name>/* (feeds/google.xml, feeds/meta.csv).')
param feedsContainerName string

@description('Tags applied to the profile and endpoint.')
param tags resourceTags

resource profile 'Microsoft.Cdn/profiles@2025-04-15' = {
  name: profileName
  // Front Door is a global service: 'global' is its only valid location.
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' = {
  parent: profile
  name: endpointName
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2025-04-15' = {
  parent: profile
  name: 'media'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    // No health probe: with a single origin there is nothing to fail over to, and probes would only add requests.
  }
}

resource origin 'Microsoft.Cdn/profiles/originGroups/origins@2025-04-15' = {
  parent: originGroup
  name: 'media-blob'
  properties: {
    hostName: originHostName
    // Storage routes by host name: the origin must see its own host, not the Front Door one.
    originHostHeader: originHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

resource route 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  parent: endpoint
  name: 'product-images'
  properties: {
    originGroup: {
      id: originGroup.id
    }
    patternsToMatch: [
      '/${publicContainerName}/*'
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    cacheConfiguration: {
      // Image URLs may carry a version query string when a picture is replaced; keep each version cached apart.
      queryStringCachingBehavior: 'UseQueryString'
    }
  }
  // A route is rejected while its origin group has no origin; the origin is not referenced, so say it explicitly.
  dependsOn: [
    origin
  ]
}

// The ads feeds: their own route, so only /<feeds container>/* of that container is reachable. Cached as the blobs
// say (Cache-Control max-age 900, BlobFeedPublisher): a regenerated feed reaches the platforms within a quarter hour.
resource feedsRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  parent: endpoint
  name: 'ads-feeds'
  properties: {
    originGroup: {
      id: originGroup.id
    }
    patternsToMatch: [
      '/${feedsContainerName}/*'
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    cacheConfiguration: {
      queryStringCachingBehavior: 'IgnoreQueryString'
    }
  }
  dependsOn: [
    origin
    route
  ]
}

@description('Host name of the endpoint, such as <endpoint>-<hash>.z01.azurefd.net.')
output endpointHostName string = endpoint.properties.hostName

@description('Resource id of the endpoint: the storefront purges changed pages from it.')
output endpointId string = endpoint.id

@description('Base URL of the CDN, without a trailing slash.')
output baseUrl string = 'https://${endpoint.properties.hostName}'
