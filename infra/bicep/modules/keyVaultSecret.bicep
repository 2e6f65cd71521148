// One secret in an existing vault, with a content type and an expiry.

param vaultName string
param name string

@secure()
param value string

@description('Expiry (seconds since epoch); rotate the secret before it.')
param expiry int

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: name
  properties: {
    value: value
    contentType: 'text/plain'
    attributes: {
      enabled: true
      exp: expiry
    }
  }
}

output name string = secret.name
