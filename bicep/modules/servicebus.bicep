// Service Bus namespace and the topics the app publishes integration events to.
// Standard tier: the cheapest tier with topics. Local (SAS key) authentication is disabled, so senders and
// receivers need an Entra ID role on the namespace. Subscriptions are left to the consumers that own them.
// Duplicate detection is on for every topic: the app sets each event's MessageId to the event's own deterministic id
// (ServiceBusIntegrationEvents), so a second publish of the same event within the window is dropped by the topic.
// Service Bus fixes requiresDuplicateDetection when a topic is created: a topic created without it must be deleted
// and created again (docs/deployment.md).

import { resourceTags } from 'types.bicep'

@description('Name of the namespace.')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Region of the namespace.')
param location string

@description('Topics to create.')
param topicNames string[]

@description('Tags applied to the namespace.')
param tags resourceTags

// One day: a redelivered queue message is retried within minutes (host.json: 5 attempts, 5 s visibility timeout), and
// an operator who replays a poison message the next morning is still inside it. Standard allows up to 7 days; the
// topic keeps one id per event for the window, which at a shop's event rate is a few megabytes at most.
@description('How long the topics remember message ids to drop duplicate publishes (ISO 8601 duration, 20 s to 7 days).')
param duplicateDetectionWindow string = 'P1D'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for topicName in topicNames: {
    parent: namespace
    name: topicName
    properties: {
      // Events nobody has picked up in a week are stale; the default of "forever" would only grow the backlog.
      defaultMessageTimeToLive: 'P7D'
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    }
  }
]

@description('Name of the namespace, for role assignments.')
output namespaceName string = namespace.name

// Taken from the endpoint the service reports (https://<name>.servicebus.windows.net:443/) rather than built from a
// hard-coded DNS suffix, so the template also works in sovereign clouds.
@description('Fully qualified namespace, such as <name>.servicebus.windows.net.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]

@description('Names of the topics created.')
output topicNames string[] = [for (topicName, i) in topicNames: topics[i].name]
