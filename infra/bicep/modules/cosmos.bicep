// Cosmos DB for NoSQL: the account (keys disabled, private endpoint only), the database,
// every container the code uses with the partition key the code uses, the `leases`
// container of the change-feed trigger, and the data-plane role for the app identity.
//
// `containers` (and `expiringContainers`, with TTL on) is the list of record: each entry names the app setting that carries
// the container name (shared/settings.py), the container and its partition key path. The
// app settings are generated from the same list (output appSettings), and
// tests/infra/test_settings_contract.py checks both against the code.

param accountName string
param location string
param tags object = {}

@description('Database name; the app reads it from COSMOS_DATABASE.')
param databaseName string = 'commerce'

@description('Serverless capacity (dev) or autoscale provisioned throughput (prod).')
param serverless bool = true

@description('Autoscale maximum RU/s per container when not serverless.')
param autoscaleMaxThroughput int = 1000

@description('Zone-redundant account region.')
param zoneRedundant bool = false

@description('Principal ID of the app identity.')
param principalId string

param virtualNetworkId string
param endpointsSubnetId string

var containers = [
  {
    setting: 'COSMOS_CONTAINER_INVENTORY'
    name: 'inventory'
    partitionKey: '/itemId'
  }
  {
    setting: 'COSMOS_CONTAINER_SHIP_NODES'
    name: 'ship_nodes'
    partitionKey: '/enterpriseCode'
  }
  {
    setting: 'COSMOS_CONTAINER_RESERVATIONS'
    name: 'reservations'
    partitionKey: '/reservationId'
  }
  {
    setting: 'COSMOS_CONTAINER_INVENTORY_AUDIT'
    name: 'inventory_audit'
    partitionKey: '/referenceValue'
  }
  {
    setting: 'COSMOS_CONTAINER_CARRIER_SERVICES'
    name: 'carrier_services'
    partitionKey: '/enterpriseCode'
  }
  {
    setting: 'COSMOS_CONTAINER_SOURCING_RULES'
    name: 'sourcing_rules'
    partitionKey: '/enterpriseCode'
  }
  {
    setting: 'COSMOS_CONTAINER_NODE_CAPACITY'
    name: 'node_capacity'
    partitionKey: '/shipNode'
  }
  {
    setting: 'COSMOS_CONTAINER_PRODUCTS'
    name: 'products'
    partitionKey: '/pk'
  }
  {
    setting: 'COSMOS_CONTAINER_ORDERS'
    name: 'orders'
    partitionKey: '/orderId'
  }
]

// Containers whose documents expire: TTL on with no default (defaultTtl -1), so each
// document's own `ttl` decides (a cart: CHECKOUT_CART_TTL_SECONDS after its last write).
var expiringContainers = [
  {
    setting: 'COSMOS_CONTAINER_CARTS'
    name: 'carts'
    partitionKey: '/cartId'
  }
]

// Lease container of the Cosmos DB trigger; the Functions runtime requires /id.
var leases = {
  setting: 'COSMOS_CONTAINER_LEASES'
  name: 'leases'
  partitionKey: '/id'
}

// Cosmos DB Built-in Data Contributor (data plane).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: zoneRedundant
      }
    ]
    capabilities: serverless ? [
      {
        name: 'EnableServerless'
      }
    ] : []
    enableMultipleWriteLocations: false
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    publicNetworkAccess: 'Disabled'
    isVirtualNetworkFilterEnabled: false
    minimalTlsVersion: 'Tls12'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource dataContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: {
      id: c.name
      partitionKey: {
        paths: [
          c.partitionKey
        ]
        kind: 'Hash'
        version: 2
      }
    }
    options: serverless ? {} : {
      autoscaleSettings: {
        maxThroughput: autoscaleMaxThroughput
      }
    }
  }
}]

resource expiringDataContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in expiringContainers: {
  parent: database
  name: c.name
  properties: {
    resource: {
      id: c.name
      partitionKey: {
        paths: [
          c.partitionKey
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
    }
    options: serverless ? {} : {
      autoscaleSettings: {
        maxThroughput: autoscaleMaxThroughput
      }
    }
  }
}]

resource leaseContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: leases.name
  properties: {
    resource: {
      id: leases.name
      partitionKey: {
        paths: [
          leases.partitionKey
        ]
        kind: 'Hash'
        version: 2
      }
    }
    options: serverless ? {} : {
      autoscaleSettings: {
        maxThroughput: 1000
      }
    }
  }
}

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, principalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: principalId
    scope: account.id
  }
}

module endpoint 'privateEndpoint.bicep' = {
  name: '${accountName}-pe-sql'
  params: {
    name: '${accountName}-pe-sql'
    location: location
    tags: tags
    subnetId: endpointsSubnetId
    virtualNetworkId: virtualNetworkId
    targetResourceId: account.id
    groupId: 'Sql'
    dnsZoneName: 'privatelink.documents.azure.com'
  }
}

var containerSettings = [for c in concat(containers, expiringContainers, [leases]): {
  name: c.setting
  value: c.name
}]

output endpoint string = account.properties.documentEndpoint
output accountName string = account.name
output databaseName string = database.name
output appSettings array = containerSettings
