// Azure Cache for Redis: TLS only (port 6380, TLS 1.2), access keys disabled, Microsoft
// Entra authentication, a data access policy assignment for the app identity, and a
// private endpoint.

param name string
param location string
param tags object = {}

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('Cache size: 0-6 for Basic/Standard (C family), 1-5 for Premium (P family).')
param capacity int = 1

@description('Principal (object) ID of the app identity.')
param principalId string

@description('Name shown for the app identity in the access list.')
param principalName string

param virtualNetworkId string
param endpointsSubnetId string

resource cache 'Microsoft.Cache/redis@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      family: skuName == 'Premium' ? 'P' : 'C'
      capacity: capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    disableAccessKeyAuthentication: true
    redisVersion: '6'
    redisConfiguration: {
      'aad-enabled': 'true'
    }
  }
}

// Data Contributor: reads, writes and Lua scripts; no dangerous commands (FLUSHALL, CONFIG).
resource appAccess 'Microsoft.Cache/redis/accessPolicyAssignments@2024-11-01' = {
  parent: cache
  name: 'app${uniqueString(principalId)}'
  properties: {
    accessPolicyName: 'Data Contributor'
    objectId: principalId
    objectIdAlias: principalName
  }
}

module endpoint 'privateEndpoint.bicep' = {
  name: '${name}-pe'
  params: {
    name: '${name}-pe'
    location: location
    tags: tags
    subnetId: endpointsSubnetId
    virtualNetworkId: virtualNetworkId
    targetResourceId: cache.id
    groupId: 'redisCache'
    dnsZoneName: 'privatelink.redis.cache.windows.net'
  }
}

output hostName string = cache.properties.hostName
output sslPort int = cache.properties.sslPort
output name string = cache.name
