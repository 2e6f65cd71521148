// The Function app on the Flex Consumption plan: Python 3.11, the user-assigned identity
// for every outbound connection (storage, Key Vault references, data services), the
// deployment package in a blob container reached with that identity, and VNet
// integration so the data services need no public endpoint.

param name string
param planName string
param location string
param tags object = {}

@description('Resource ID of the user-assigned identity.')
param identityId string

@description('Blob container URL of the deployment package.')
param deploymentContainerUrl string

@description('Subnet delegated to Microsoft.App/environments for outbound traffic.')
param subnetId string

@description('App settings as name/value pairs.')
param appSettings array

@description('Most instances the plan scales out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Spread instances over availability zones (the platform keeps two always-ready).')
param zoneRedundant bool = true

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  // checkov:skip=CKV_AZURE_225: zone redundancy comes from the zoneRedundant parameter (true by default and in prod, false in dev), which checkov does not resolve.
  properties: {
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  // checkov:skip=CKV_AZURE_222: the HTTP API and storefront are public by design; data services are private, and function keys plus Entra bearer tokens guard the API.
  // checkov:skip=CKV_AZURE_17: callers are browsers and API clients authenticated by Entra bearer tokens, not client certificates.
  // checkov:skip=CKV_AZURE_212: Flex Consumption has no worker count; zone redundancy makes the platform keep two always-ready instances.
  // checkov:skip=CKV_AZURE_213: Flex Consumption does not support the platform health check; /api/health serves external probes.
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      remoteDebuggingEnabled: false
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

// Basic-auth publishing credentials off: deployments authenticate with Entra ID.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
