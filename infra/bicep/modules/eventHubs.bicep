// Event Hubs: the namespace (local SAS auth disabled, private endpoint only), every hub
// the code publishes to or consumes, one consumer group per consuming function, and the
// Data Sender and Data Receiver roles for the app identity.
//
// `hubs` is the list of record: the app setting that carries the hub name
// (shared/settings.py) and the hub; `consumerGroups` names the group of each consuming
// function.
// tests/infra/test_settings_contract.py checks it against the triggers in function_app.

param namespaceName string
param location string
param tags object = {}

@allowed([
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('Throughput units (Standard) or processing units (Premium).')
param capacity int = 1

@description('Partitions per hub; events of one subject stay in order within one partition.')
param partitionCount int = 4

@description('Days events are retained.')
param retentionDays int = 1

@description('Principal ID of the app identity.')
param principalId string

param virtualNetworkId string
param endpointsSubnetId string

var hubs = [
  {
    setting: 'HUB_CONFIG_UPDATES'
    name: 'confighub-config-update'
  }
  {
    setting: 'HUB_INVENTORY_UPDATES'
    name: 'inventory-updates'
  }
  {
    setting: 'HUB_CATALOG_UPDATES'
    name: 'product-catalog-updates'
  }
  {
    setting: 'HUB_SOURCING_UPDATES'
    name: 'sourcing-options-updates'
  }
  {
    setting: 'HUB_ORDER_UPDATES'
    name: 'order-updates'
  }
]

// The consumer group of each consuming function, per hub: two functions reading one hub
// through one group would share checkpoints and each see only part of the events. Each
// context names its group in one app setting (consumerGroupSettings).
var consumerGroups = [
  {
    hub: 'confighub-config-update'
    name: 'confighub'
  }
  {
    hub: 'product-catalog-updates'
    name: 'catalog'
  }
  {
    hub: 'inventory-updates'
    name: 'catalog'
  }
  {
    hub: 'order-updates'
    name: 'sourcing'
  }
]

var consumerGroupSettings = [
  {
    name: 'CONFIGHUB_CONSUMER_GROUP'
    value: 'confighub'
  }
  {
    name: 'CATALOG_CONSUMER_GROUP'
    value: 'catalog'
  }
  {
    name: 'SOURCING_CONSUMER_GROUP'
    value: 'sourcing'
  }
]

var roles = [
  '2b629674-e913-4c01-ae53-ef4638d8f975' // Azure Event Hubs Data Sender
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde' // Azure Event Hubs Data Receiver
]

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    isAutoInflateEnabled: false
  }
}

resource eventHubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [for hub in hubs: {
  parent: namespace
  name: hub.name
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}]

resource groups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [for group in consumerGroups: {
  name: '${namespace.name}/${group.hub}/${group.name}'
  properties: {}
  dependsOn: [
    eventHubs
  ]
}]

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in roles: {
  name: guid(namespace.id, principalId, roleId)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

module endpoint 'privateEndpoint.bicep' = {
  name: '${namespaceName}-pe'
  params: {
    name: '${namespaceName}-pe'
    location: location
    tags: tags
    subnetId: endpointsSubnetId
    virtualNetworkId: virtualNetworkId
    targetResourceId: namespace.id
    groupId: 'namespace'
    dnsZoneName: 'privatelink.servicebus.windows.net'
  }
}

var hubSettings = [for hub in hubs: {
  name: hub.setting
  value: hub.name
}]

output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output namespaceName string = namespace.name
output appSettings array = concat(hubSettings, consumerGroupSettings)
