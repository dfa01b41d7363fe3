// Serverless.Shop on Azure: the whole environment that `azd up` provisions.
// Subscription scope so that azd can create the environment's resource group itself; every module deploys into it.
// This file is the composition root: it names things, passes the names the app expects (docs/configuration.md) to
// the modules, and builds the app settings from their outputs. The modules hold one concern each.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Primary region of every resource, and the one Cosmos DB region the app writes to. Must offer Flex Consumption.')
param location string

@minLength(1)
@description('Cosmos DB failover region: the account accepts writes there too, but the app writes there only if location is lost. Must differ from location.')
param cosmosSecondaryLocation string

@description('Object id of the person (or pipeline) running azd; given the same data roles as the app. Empty: none.')
param principalId string = ''

@description('Kind of principal principalId names.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@minLength(1)
@description('Entra ID authority the API accepts tokens from, such as https://login.microsoftonline.com/<tenant id>/v2.0.')
param authAuthority string

@minLength(1)
@description('Audience the API accepts in tokens: its application id URI or client id.')
param authAudience string

@description('Customers\' authority: the Microsoft Entra External ID tenant, such as https://<tenant id>.ciamlogin.com/<tenant id>/v2.0. Empty: customers cannot sign in (/api/health says so); staff still can.')
param customerAuthAuthority string = ''

@description('Audience of customer tokens: the API\'s application (client) id in the External ID tenant.')
param customerAuthAudience string = ''

@description('The External ID tenant\'s id: erasing a customer deletes their account there (Microsoft Graph). Empty: erasing a customer answers 503 (/api/health says so).')
param customerAuthTenantId string = ''

@description('Client id of the app in the External ID tenant that deletes customer accounts (Graph application permission User.ReadWrite.All); its federated credential is the function app\'s managed identity, so there is no secret.')
param customerAccountsClientId string = ''

@minLength(3)
@description('Sender address of the shop\'s emails (a sender verified in SendGrid).')
param emailFrom string

@minLength(3)
@description('Merchandisers who receive low-stock alerts (Email:Merchandisers).')
param emailMerchandisers string

@allowed([
  'rates'
  'stripe'
])
@description('Where tax comes from (Tax:Source, docs/pricing.md#tax): rates admins manage through the API, or Stripe Tax (with the card gateway\'s Stripe key). No default: the shop charges no tax it was not told to.')
param taxSource string

@description('Country (ISO 3166-1 alpha-2) whose tax a cart shows before it has an address (Tax:DefaultCountry); empty for none.')
param taxDefaultCountry string = ''

@description('Where parcels leave from until warehouses are managed (Shipping:Origin:Latitude/Longitude, docs/shipping.md#the-origin): degrees, such as 52.0908 and 5.1222. No default: a made-up origin would price every parcel wrongly, and the app does not start without one.')
param shippingOriginLatitude string

@description('See shippingOriginLatitude.')
param shippingOriginLongitude string

@description('Origins allowed to upload product images straight to blob storage from a browser.')
param uploadCorsAllowedOrigins string[] = [
  '*'
]

@description('Autoscale maximum of the shared Cosmos DB database throughput, RU/s per region.')
@minValue(1000)
param cosmosMaxThroughput int = 1000

@description('Storefront origins allowed to call the API from a browser, comma-separated (https://shop.example.com). Empty: only pages served from the API\'s own origin.')
param apiCorsAllowedOrigins string = ''

// Payment methods beyond cards: each is off unless its parameters are given. Their secrets are never parameters: the
// app settings are Key Vault references to secrets you set after provisioning (docs/deployment.md).
@description('IBAN customers pay bank transfers into. Empty: bank transfer is not offered. Given: bankTransferBic and bankTransferBeneficiary are required, and the Key Vault secret bank-transfer-webhook-secret.')
param bankTransferIban string = ''

@description('BIC of the bank transfer account (8 or 11 characters).')
param bankTransferBic string = ''

@description('Account holder\'s name shown to customers paying by bank transfer.')
param bankTransferBeneficiary string = ''

@description('Days a customer has to pay by bank transfer before the order is cancelled (above 0, at most 60). Empty: 7.')
param bankTransferDaysToPay string = ''

@description('Client id of the shop\'s PayPal REST app. Empty: PayPal is not offered. Given: payPalWebhookId is required, and the Key Vault secret paypal-client-secret.')
param payPalClientId string = ''

@description('Id PayPal shows for the webhook the shop subscribed (https://<app>/api/webhooks/payments/paypal).')
param payPalWebhookId string = ''

@description('PayPal API the client id belongs to: live payments or the sandbox.')
@allowed([
  'live'
  'sandbox'
])
param payPalEnvironment string = 'live'

@description('The carrier\'s API (docs/shipping.md#carriers-and-tracking). Empty: no carrier, so checkout refuses physical goods (503) and /api/health reports carrier unhealthy. easypost: the Key Vault secrets carrier-api-key and carrier-webhook-secret, and where parcels leave from (carrierShipFrom*).')
@allowed([
  ''
  'easypost'
])
param carrierProvider string = ''

@description('Meta pixel (dataset) id for the Conversions API. Empty: no purchase is reported to Meta; set: its access token is read from the Key Vault secret meta-conversions-access-token.')
param metaPixelId string = ''

@description('Where parcels leave from (the warehouse): name, street, city, postcode and ISO country code. Required with a carrier.')
param carrierShipFromName string = ''
param carrierShipFromLine1 string = ''
param carrierShipFromCity string = ''
param carrierShipFromPostalCode string = ''
param carrierShipFromCountry string = ''

@description('When the timer PollParcelTracking asks carriers without tracking webhooks about parcels under way (NCRONTAB with seconds).')
param trackingPollSchedule string = '0 */30 * * * *'

@description('When the abandoned-cart timer runs (NCRONTAB with seconds). The flow itself is off until a marketer switches it on through the flows API (docs/marketing.md#automated-flows).')
param abandonedCartSchedule string = '0 */15 * * * *'

@description('When the back-in-stock timer runs (NCRONTAB with seconds). The flow itself is off until a marketer switches it on (docs/marketing.md#back-in-stock).')
param backInStockSchedule string = '0 */15 * * * *'
@description('When the welcome series timer sends its due steps (NCRONTAB with seconds). The flow itself is off until a marketer switches it on (docs/marketing.md).')
param welcomeSeriesSchedule string = '0 */5 * * * *'

@description('When the win-back timer enrols its segments and sends its due steps (NCRONTAB with seconds). Off until a marketer switches it on (docs/marketing.md).')
param winBackSchedule string = '0 0 9 * * *'

@description('When the timer SendBusinessReports sends the periodic business reports whose period has closed (NCRONTAB with seconds). Each report is off until an admin switches it on (docs/analytics.md#reports).')
param businessReportsSchedule string = '0 5 * * * *'

// ---------- Names ----------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Names the app relies on; they match docs/configuration.md.
var databaseName = 'shop'
var cosmosContainers = [
  {
    name: 'products'
    partitionKeyPath: '/id'
  }
  {
    name: 'taxonomy'
    partitionKeyPath: '/kind'
  }
  {
    name: 'inventory'
    partitionKeyPath: '/sku'
  }
  {
    name: 'idempotency'
    partitionKeyPath: '/id'
    // Stored responses of creating POSTs expire after 24 hours.
    defaultTtl: 86400
  }
  {
    name: 'carts'
    partitionKeyPath: '/id'
    // TTL on, set per cart: the inactivity window, renewed on every change.
    defaultTtl: -1
  }
  {
    name: 'promotions'
    partitionKeyPath: '/id'
  }
  {
    name: 'coupon-usage'
    partitionKeyPath: '/code'
  }
  {
    name: 'orders'
    partitionKeyPath: '/id'
  }
  {
    name: 'webhook-events'
    partitionKeyPath: '/id'
    // Event ids of processed webhooks, kept 30 days to ignore redeliveries.
    defaultTtl: 2592000
  }
  {
    // The managed tax rate table: one document, read whole by pricing (docs/pricing.md#tax).
    name: 'tax-rates'
    partitionKeyPath: '/id'
  }
  {
    // Personal-data protection: each owner's data keys, wrapped by the KEK, or the tombstone of an erasure (docs/security.md).
    name: 'data-keys'
    partitionKeyPath: '/id'
  }
  {
    // One points ledger per customer (docs/loyalty.md).
    name: 'loyalty'
    partitionKeyPath: '/id'
  }
  {
    // One profile and address book per customer, personal fields sealed (docs/customers.md).
    name: 'customers'
    partitionKeyPath: '/id'
  }
  {
    // Product reviews by product: a product's reviews are listed and its rating computed in one partition (docs/reviews.md).
    name: 'reviews'
    partitionKeyPath: '/productId'
  }
  {
    // Every warehouse in one document, read whole by stock bookings and allocation (docs/shipping.md#warehouses-and-stock).
    name: 'warehouses'
    partitionKeyPath: '/id'
  }
  {
    // The shipping rate table staff edit, one document read whole (and cached) by every quote (docs/shipping.md#where-the-rules-live).
    name: 'shipping-rates'
    partitionKeyPath: '/id'
  }
  {
    // Per email address a newsletter subscription and a suppression entry; per campaign its engagement counters (docs/marketing.md#audiences-and-unsubscribe).
    name: 'marketing-audiences'
    partitionKeyPath: '/id'
  }
  {
    // Email campaigns and their send claims, by campaign (docs/marketing.md#campaigns).
    name: 'campaigns'
    partitionKeyPath: '/campaignId'
  }
  {
    // Revenue of paid orders attributed to an email campaign or flow, by campaign or flow id, one document per day (docs/marketing.md#attributed-revenue).
    name: 'marketing-revenue'
    partitionKeyPath: '/campaignId'
  }
  {
    // Sales rollups: per order what was counted, per dimension and day or month the counters (docs/analytics.md#sales).
    name: 'analytics-sales'
    partitionKeyPath: '/period'
  }
  {
    // Per flash sale: the sale, its counters (units per SKU, per buyer) and one hold per order (docs/marketing.md#flash-sales).
    name: 'flash-sales'
    partitionKeyPath: '/saleId'
  }
  {
    // The ads feeds' last run report and the record of conversions sent (docs/marketing.md, "Ads feeds and attribution").
    name: 'marketing-feeds'
    partitionKeyPath: '/id'
  }
  {
    // The automated flows' settings, enrolments and back-in-stock requests; TTL on, set per document (docs/marketing.md#automated-flows).
    name: 'marketing-flows'
    partitionKeyPath: '/id'
    defaultTtl: -1
  }
  {
    // Shopper behaviour by "<kind>|<day>": session trails (TTL set per document), folded days, purchases per day, abandoned carts (docs/analytics.md#behaviour).
    name: 'analytics-behaviour'
    partitionKeyPath: '/partition'
    defaultTtl: -1
  }
  {
    // The periodic business reports: their settings and one delivery record per report and period (docs/analytics.md#reports).
    name: 'analytics-reports'
    partitionKeyPath: '/id'
  }
]
var appQueues = [
  'image-processing'
  'low-stock-alerts'
  'order-events'
  'storefront-changes'
]
var productImagesContainer = 'product-images'
var productUploadsContainer = 'product-uploads'
// The ads feeds (google.xml, meta.csv): public read, served by the CDN at /feeds/* (docs/marketing.md).
var feedsContainer = 'feeds'
var eventsTopic = 'shop-events'
var sendGridSecretName = 'sendgrid-api-key'
// Payment and carrier secrets: set them in the Key Vault after the first `azd up` (docs/deployment.md).
var stripeSecretKeyName = 'stripe-secret-key'
var stripeWebhookSecretName = 'stripe-webhook-secret'
var carrierWebhookSecretName = 'carrier-webhook-secret'
var carrierApiKeyName = 'carrier-api-key'
var carrierEnabled = !empty(carrierProvider)
// What review invitation links (delivery emails, guests' reviews) are signed with (docs/reviews.md).
var reviewInvitationSigningKeyName = 'review-invitation-signing-key'
// What newsletter confirmation and unsubscribe links are signed with, and SendGrid's Event Webhook verification key (docs/marketing.md).
var marketingLinkSigningKeyName = 'marketing-link-signing-key'
var sendGridEventWebhookKeyName = 'sendgrid-event-webhook-public-key'
// Meta's Conversions API access token, read only when metaPixelId is given (docs/marketing.md).
var metaConversionsTokenName = 'meta-conversions-access-token'
var metaConversionsEnabled = !empty(metaPixelId)
var bankTransferWebhookSecretName = 'bank-transfer-webhook-secret'
var payPalClientSecretName = 'paypal-client-secret'
var payPalApiBases = {
  live: 'https://api-m.paypal.com'
  sandbox: 'https://api-m.sandbox.paypal.com'
}
var bankTransferEnabled = !empty(bankTransferIban)
var payPalEnabled = !empty(payPalClientId)

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

// ---------- Resources ----------

module identity 'modules/identity.bicep' = {
  scope: rg
  name: 'identity'
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: {
    hostAccountName: 'st${resourceToken}'
    mediaAccountName: 'stmedia${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    // The -poison queues are where the host moves messages that failed maxDequeueCount times.
    queueNames: flatten(map(appQueues, queue => [queue, '${queue}-poison']))
    publicImagesContainerName: productImagesContainer
    publicFeedsContainerName: feedsContainer
    uploadsContainerName: productUploadsContainer
    // The storefront's published sitemaps and robots.txt (BlobSitemapFiles), served by the app behind Front Door.
    // The archive of every rendered business report, <kind>/<period>/<file> (BlobReportArchive, docs/analytics.md#reports).
    privateContainerNames: [
      'storefront'
      'reports'
    ]
    uploadCorsAllowedOrigins: uploadCorsAllowedOrigins
  }
}

module cdn 'modules/cdn.bicep' = {
  scope: rg
  name: 'cdn'
  params: {
    profileName: 'afd-${resourceToken}'
    endpointName: 'media-${resourceToken}'
    originHostName: storage.outputs.mediaBlobHostName
    publicContainerName: productImagesContainer
    feedsContainerName: feedsContainer
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  scope: rg
  name: 'cosmos'
  params: {
    accountName: 'cosmos-${resourceToken}'
    location: location
    secondaryLocation: cosmosSecondaryLocation
    databaseName: databaseName
    containers: cosmosContainers
    maxThroughput: cosmosMaxThroughput
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  scope: rg
  name: 'servicebus'
  params: {
    namespaceName: 'sb-${resourceToken}'
    location: location
    topicNames: [
      eventsTopic
    ]
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: rg
  name: 'keyvault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

// Geocoding for fees by distance: keyless, the app's identity is an Azure Maps Data Reader on it (maps.bicep).
module maps 'modules/maps.bicep' = {
  scope: rg
  name: 'maps'
  params: {
    name: 'map-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

// The clickstream: Event Hubs with Capture to a data lake account of its own (clickstream.bicep), keyless.
var rawClickstreamRetentionDays = 30
module clickstream 'modules/clickstream.bicep' = {
  scope: rg
  name: 'clickstream'
  params: {
    namespaceName: 'evhns-${resourceToken}'
    dataLakeAccountName: 'stdl${resourceToken}'
    rawRetentionDays: rawClickstreamRetentionDays
    appPrincipalId: identity.outputs.principalId
    location: location
    tags: tags
  }
}

// ---------- Access ----------

var dataResources = {
  hostStorageAccountName: storage.outputs.hostAccountName
  mediaStorageAccountName: storage.outputs.mediaAccountName
  cosmosAccountName: cosmos.outputs.accountName
  cosmosDatabaseName: cosmos.outputs.databaseName
  serviceBusNamespaceName: serviceBus.outputs.namespaceName
  keyVaultName: keyVault.outputs.name
  applicationInsightsName: monitoring.outputs.applicationInsightsName
}

module appAccess 'modules/rbac.bicep' = {
  scope: rg
  name: 'rbac-app'
  params: {
    resources: dataResources
    principal: {
      principalId: identity.outputs.principalId
      principalType: 'ServicePrincipal'
      canWriteSecrets: false
    }
  }
}

module developerAccess 'modules/rbac.bicep' = if (!empty(principalId)) {
  scope: rg
  name: 'rbac-developer'
  params: {
    resources: dataResources
    principal: {
      principalId: principalId
      principalType: principalType
      canWriteSecrets: true
    }
  }
}

// ---------- The function app ----------

// Identity forms only (docs/configuration.md, column "Azure"): no key, SAS or connection string with a secret.
var appSettings = {
  // Functions host storage, by managed identity.
  AzureWebJobsStorage__accountName: storage.outputs.hostAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  // DefaultAzureCredential in the app picks the user-assigned identity by this.
  AZURE_CLIENT_ID: identity.outputs.clientId
  // Telemetry: local auth is off, so the host authenticates with the identity named here.
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'

  Cosmos__AccountEndpoint: cosmos.outputs.endpoint
  Cosmos__DatabaseName: databaseName
  // Every instance writes to the primary region: the conditional writes the shop relies on hold only within one
  // region (cosmos.bicep). The secondary region is the failover.
  Cosmos__ApplicationRegion: location

  // Personal-data protection reads its two keys, the Key Vault secrets privacy-kek and privacy-blind-index-key, from
  // this vault with the app's identity (Key Vault Secrets User, rbac.bicep): not Key Vault references, because the
  // app also reads earlier versions of the KEK to unwrap data keys wrapped before a rotation (docs/security.md).
  // A person creates both secrets after provisioning, like every other secret (docs/deployment.md).
  Privacy__KeyVaultUri: keyVault.outputs.uri

  Media__BlobServiceUri: storage.outputs.mediaBlobServiceUri
  Media__PublicBaseUrl: '${cdn.outputs.baseUrl}/${productImagesContainer}'
  // The storefront's public address (canonical URLs, sitemaps) and the endpoint its pages are purged from on change.
  Storefront__PublicBaseUrl: cdn.outputs.baseUrl
  Storefront__FrontDoor__EndpointResourceId: cdn.outputs.endpointId
  // The pages' scripts call the API through the same endpoint (cdn-storefront.bicep), so they need no CORS.
  Storefront__ApiBaseUrl: '${cdn.outputs.baseUrl}/api'
  // The ads feeds: where Merchant Center and Meta fetch them (the CDN); their items link to the storefront above.
  Feeds__PublicBaseUrl: '${cdn.outputs.baseUrl}/${feedsContainer}'
  // Meta's Conversions API: off until metaPixelId is given; then its token is a Key Vault reference like the others.
  Attribution__Meta__PixelId: metaPixelId
  Attribution__Meta__AccessToken: metaConversionsEnabled
    ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${metaConversionsTokenName})'
    : ''

  // The beacon's events go to the hub; Capture writes them to the data lake, which the archive reads and expires.
  Analytics__EventHubs__Namespace: clickstream.outputs.fullyQualifiedNamespace
  Analytics__EventHubs__Name: clickstream.outputs.hubName
  Analytics__RawEvents__BlobServiceUri: clickstream.outputs.dataLakeBlobServiceUri
  Analytics__RawRetentionDays: string(rawClickstreamRetentionDays)
  ServiceBus__FullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBus__TopicName: eventsTopic

  Email__Provider: 'SendGrid'
  // Resolved by the platform with keyVaultReferenceIdentity. No version: the latest secret version is used, so a
  // rotated key is picked up without a redeployment.
  Email__SendGridApiKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${sendGridSecretName})'
  Email__From: emailFrom
  Email__Merchandisers: emailMerchandisers

  // Cards go to Stripe; its keys come from Key Vault like SendGrid's.
  Payments__Card__Provider: 'stripe'
  Payments__Stripe__SecretKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${stripeSecretKeyName})'
  Payments__Stripe__WebhookSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${stripeWebhookSecretName})'
  // The Azure Maps account's client id, sent with the identity's token; without it the app does not start.
  Shipping__Geocoding__AzureMapsClientId: maps.outputs.clientId
  Shipping__Origin__Latitude: shippingOriginLatitude
  Shipping__Origin__Longitude: shippingOriginLongitude
  // Required: unresolved, the app does not start. The links point at the app's own address (WEBSITE_HOSTNAME).
  Reviews__InvitationSigningKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${reviewInvitationSigningKeyName})'
  // Required, like the review key: unresolved, the app does not start. Links point at the app's own address (WEBSITE_HOSTNAME).
  Marketing__LinkSigningKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${marketingLinkSigningKeyName})'
  Marketing__SendGrid__EventWebhookPublicKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${sendGridEventWebhookKeyName})'

  // Bank transfer and PayPal: an empty value is an unset setting to the app, so each method stays off until its
  // parameters are given; then its secret is a Key Vault reference like the others.
  Payments__BankTransfer__Iban: bankTransferIban
  Payments__BankTransfer__Bic: bankTransferBic
  Payments__BankTransfer__Beneficiary: bankTransferBeneficiary
  Payments__BankTransfer__DaysToPay: bankTransferDaysToPay
  Payments__BankTransfer__WebhookSecret: bankTransferEnabled
    ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${bankTransferWebhookSecretName})'
    : ''
  Payments__PayPal__ClientId: payPalClientId
  Payments__PayPal__ClientSecret: payPalEnabled
    ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${payPalClientSecretName})'
    : ''
  Payments__PayPal__WebhookId: payPalWebhookId
  Payments__PayPal__ApiBase: payPalEnabled ? payPalApiBases[payPalEnvironment] : ''

  // The carrier: none until carrierProvider is given (the app then says so in /api/health and refuses checkout);
  // then its API key and webhook secret are Key Vault references like the others.
  Shipping__Carrier__Provider: carrierProvider
  Shipping__Carrier__ApiKey: carrierEnabled
    ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${carrierApiKeyName})'
    : ''
  Shipping__Carrier__WebhookSecret: carrierEnabled
    ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${carrierWebhookSecretName})'
    : ''
  Shipping__Carrier__ShipFrom__Name: carrierShipFromName
  Shipping__Carrier__ShipFrom__Line1: carrierShipFromLine1
  Shipping__Carrier__ShipFrom__City: carrierShipFromCity
  Shipping__Carrier__ShipFrom__PostalCode: carrierShipFromPostalCode
  Shipping__Carrier__ShipFrom__Country: carrierShipFromCountry
  // When the timer PollParcelTracking asks carriers without tracking webhooks about parcels under way (read by the
  // Functions host from the timer's %TrackingPollSchedule% schedule; with EasyPost's webhooks a run reads nothing).
  TrackingPollSchedule: trackingPollSchedule
  AbandonedCartSchedule: abandonedCartSchedule
  BackInStockSchedule: backInStockSchedule
  WelcomeSeriesSchedule: welcomeSeriesSchedule
  WinBackSchedule: winBackSchedule
  BusinessReportsSchedule: businessReportsSchedule

  Auth__Authority: authAuthority
  Auth__Audience: authAudience
  // App Service authentication is not configured: the app validates bearer tokens itself.
  Auth__TrustPlatformPrincipal: 'false'
  // Customers: a separate authority (External ID). Its tokens are customers only, whatever roles they claim.
  CustomerAuth__Authority: customerAuthAuthority
  CustomerAuth__Audience: customerAuthAudience
  // Erasure deletes the customer's account in that tenant, as its accounts app (keyless: a federated credential).
  CustomerAuth__TenantId: customerAuthTenantId
  CustomerAuth__AccountsClientId: customerAccountsClientId

  // Tax: managed rates or Stripe Tax (which reuses Payments__Stripe__SecretKey); nothing is taxed from a demo table.
  Tax__Source: taxSource
  Tax__DefaultCountry: taxDefaultCountry
}

module functionApp 'modules/functionapp.bicep' = {
  scope: rg
  name: 'functionapp'
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    azdServiceName: 'api'
    identityId: identity.outputs.id
    deploymentBlobEndpoint: storage.outputs.hostBlobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appSettings: appSettings
    corsAllowedOrigins: filter(map(split(apiCorsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))
  }
  // The host starts as soon as the site exists: let it find its storage, vault and telemetry roles already granted.
  dependsOn: [
    appAccess
  ]
}

// The storefront's pages and the API they call, on the Front Door endpoint (after the app: the routes name its host).
module cdnStorefront 'modules/cdn-storefront.bicep' = {
  scope: rg
  name: 'cdn-storefront'
  params: {
    profileName: 'afd-${resourceToken}'
    endpointName: 'media-${resourceToken}'
    functionAppHostName: functionApp.outputs.defaultHostName
    appPrincipalId: identity.outputs.principalId
  }
}

// ---------- Outputs (azd stores them in .azure/<env>/.env) ----------

output AZURE_LOCATION string = location
// Which authority is which: staff (workforce tenant, app roles) and customers (External ID, no app role needed).
output STAFF_AUTH_AUTHORITY string = authAuthority
output CUSTOMER_AUTH_AUTHORITY string = customerAuthAuthority
output CUSTOMER_AUTH_AUDIENCE string = customerAuthAudience
// The subject of the federated credential the External ID accounts app trusts (issuer: login.microsoftonline.com/<AZURE_TENANT_ID>/v2.0).
output FUNCTION_APP_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output CDN_BASE_URL string = cdn.outputs.baseUrl
output MEDIA_PUBLIC_BASE_URL string = '${cdn.outputs.baseUrl}/${productImagesContainer}'
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE_NAME string = databaseName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.hostAccountName
output AZURE_MEDIA_STORAGE_ACCOUNT_NAME string = storage.outputs.mediaAccountName
output AZURE_MEDIA_BLOB_SERVICE_URI string = storage.outputs.mediaBlobServiceUri
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_MAPS_ACCOUNT_NAME string = maps.outputs.name
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
