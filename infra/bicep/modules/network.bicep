// The virtual network: one subnet for the Function app's outbound traffic (Flex
// Consumption VNet integration) and one for the private endpoints of every data service,
// so no data service needs a public network path.

param name string
param location string
param tags object = {}

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

@description('Subnet delegated to the Function app (Flex Consumption needs /27 or larger).')
param appSubnetPrefix string = '10.40.1.0/24'

@description('Subnet for private endpoints.')
param endpointsSubnetPrefix string = '10.40.2.0/24'

resource appNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${name}-app-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource endpointsNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${name}-pe-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          networkSecurityGroup: {
            id: appNsg.id
          }
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: endpointsSubnetPrefix
          networkSecurityGroup: {
            id: endpointsNsg.id
          }
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

output id string = vnet.id
output appSubnetId string = '${vnet.id}/subnets/app'
output endpointsSubnetId string = '${vnet.id}/subnets/endpoints'
