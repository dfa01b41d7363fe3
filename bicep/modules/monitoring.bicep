// Log Analytics and workspace-based Application Insights.
// Local (instrumentation key) authentication is disabled on both: telemetry is accepted only with an Entra ID token,
// so the connection string the app receives is an address, not a credential. The function app's identity gets
// Monitoring Metrics Publisher on the component (see rbac.bicep) and the host is told to use it through
// APPLICATIONINSIGHTS_AUTHENTICATION_STRING.

import { resourceTags } from 'types.bicep'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Region of both resources.')
param location string

@description('Tags applied to both resources.')
param tags resourceTags

@description('Days of log retention; 30 is the free retention of the PerGB2018 tier.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

// The portal's view of the shop: business counters (the meter Serverless.Shop.Business, docs/analytics.md#business-metrics)
// charted next to requests, failures and dependency durations, with this Application Insights as its source.
resource businessWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsightsName, 'business-metrics')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Serverless.Shop business metrics'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: loadTextContent('../workbooks/business-metrics.workbook.json')
  }
}

@description('Name of the Application Insights component, for role assignments.')
output applicationInsightsName string = appInsights.name

@description('Where to send telemetry. Not a credential: local auth is disabled, ingestion needs an Entra ID token.')
output applicationInsightsConnectionString string = appInsights.properties.ConnectionString
