// One private endpoint for one sub-resource of a service, with its private DNS zone linked
// to the virtual network so the app resolves the service's usual host name privately.

@description('Name of the private endpoint.')
param name string

param location string
param tags object = {}

@description('Resource ID of the subnet that holds private endpoints.')
param subnetId string

@description('Resource ID of the virtual network the DNS zone is linked to.')
param virtualNetworkId string

@description('Resource ID of the service the endpoint connects to.')
param targetResourceId string

@description('Sub-resource (group ID) of the service, for example blob, Sql, namespace.')
param groupId string

@description('Private DNS zone, for example privatelink.documents.azure.com.')
param dnsZoneName string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: dnsZoneName
  location: 'global'
  tags: tags
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: uniqueString(virtualNetworkId)
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: virtualNetworkId
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: replace(dnsZoneName, '.', '-')
        properties: {
          privateDnsZoneId: zone.id
        }
      }
    ]
  }
}

output id string = endpoint.id
