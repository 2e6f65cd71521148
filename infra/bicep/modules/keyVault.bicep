// Key Vault in RBAC mode for the commercetools client secret. The app reads the secret
// through a Key Vault reference in its app settings, resolved with its user-assigned
// identity (Key Vault Secrets User on this vault only).

param name string
param location string
param tags object = {}

@description('Principal ID of the app identity.')
param principalId string

@description('The commercetools API client secret; empty means no secret is stored.')
@secure()
param commercetoolsClientSecret string = ''

@description('Expiry of the stored secret (seconds since epoch); rotate before it.')
param secretExpiry int

param virtualNetworkId string
param endpointsSubnetId string

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretName = 'commercetools-client-secret'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
    }
  }
}

module secret 'keyVaultSecret.bicep' = if (!empty(commercetoolsClientSecret)) {
  name: '${name}-${secretName}'
  params: {
    vaultName: vault.name
    name: secretName
    value: commercetoolsClientSecret
    expiry: secretExpiry
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
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
    targetResourceId: vault.id
    groupId: 'vault'
    dnsZoneName: 'privatelink.vaultcore.azure.net'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// A versionless reference, so a rotated secret is picked up without a redeployment. The
// catalog reads it only when CTP_PROJECT_KEY is set, so it may dangle while unused.
output commercetoolsSecretReference string = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretName})'
