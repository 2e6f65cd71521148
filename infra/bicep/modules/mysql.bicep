// Azure Database for MySQL Flexible Server for confighub: TLS required, Microsoft Entra
// authentication only (the password login is disabled once the Entra admin exists), the
// `confighub` database, and a private endpoint. No public network access and no firewall
// rules: docs/deploy.md says how an administrator reaches it once to create the app's
// Entra user.

param serverName string
param location string
param tags object = {}

@description('Compute SKU, for example Standard_B1ms (Burstable) or Standard_D2ads_v5.')
param skuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

param storageSizeGB int = 20

@allowed([
  'Disabled'
  'ZoneRedundant'
  'SameZone'
])
param highAvailability string = 'Disabled'

param backupRetentionDays int = 7

@allowed([
  'Disabled'
  'Enabled'
])
param geoRedundantBackup string = 'Enabled'

@description('Database the app uses; SQL_URL names it.')
param databaseName string = 'confighub'

@description('Login name of the Microsoft Entra administrator (a user or group display name).')
param entraAdminLogin string

@description('Object ID of the Microsoft Entra administrator.')
param entraAdminObjectId string

@description('Resource ID of the identity MySQL uses to look up Entra principals (needs Microsoft Graph read permissions, see docs/deploy.md).')
param serverIdentityId string

@description('Bootstrap password of the local administrator; unusable once aad_auth_only is ON.')
@secure()
param administratorPassword string

param virtualNetworkId string
param endpointsSubnetId string

resource server 'Microsoft.DBforMySQL/flexibleServers@2023-12-30' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${serverIdentityId}': {}
    }
  }
  properties: {
    version: '8.0.21'
    administratorLogin: 'bootstrapadmin'
    administratorLoginPassword: administratorPassword
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: geoRedundantBackup
    }
    highAvailability: {
      mode: highAvailability
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
  }
  // checkov:skip=CKV_AZURE_94: geo-redundant backup comes from the geoRedundantBackup parameter (Enabled by default and in prod, Disabled in dev), which checkov does not resolve.
  // checkov:skip=CKV_AZURE_96: infrastructureEncryption exists only on the retired Single Server; Flexible Server encrypts storage at rest with AES-256 (service-managed keys).
}

resource requireSecureTransport 'Microsoft.DBforMySQL/flexibleServers/configurations@2023-12-30' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'ON'
    source: 'user-override'
  }
}

resource tlsVersion 'Microsoft.DBforMySQL/flexibleServers/configurations@2023-12-30' = {
  parent: server
  name: 'tls_version'
  properties: {
    value: 'TLSv1.2,TLSv1.3'
    source: 'user-override'
  }
  dependsOn: [
    requireSecureTransport
  ]
}

resource entraAdmin 'Microsoft.DBforMySQL/flexibleServers/administrators@2023-12-30' = {
  parent: server
  name: 'ActiveDirectory'
  properties: {
    administratorType: 'ActiveDirectory'
    identityResourceId: serverIdentityId
    login: entraAdminLogin
    sid: entraAdminObjectId
    tenantId: tenant().tenantId
  }
  dependsOn: [
    tlsVersion
  ]
}

resource entraOnly 'Microsoft.DBforMySQL/flexibleServers/configurations@2023-12-30' = {
  parent: server
  name: 'aad_auth_only'
  properties: {
    value: 'ON'
    source: 'user-override'
  }
  dependsOn: [
    entraAdmin
  ]
}

resource database 'Microsoft.DBforMySQL/flexibleServers/databases@2023-12-30' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'utf8mb4'
    collation: 'utf8mb4_0900_ai_ci'
  }
  dependsOn: [
    entraOnly
  ]
}

module endpoint 'privateEndpoint.bicep' = {
  name: '${serverName}-pe'
  params: {
    name: '${serverName}-pe'
    location: location
    tags: tags
    subnetId: endpointsSubnetId
    virtualNetworkId: virtualNetworkId
    targetResourceId: server.id
    groupId: 'mysqlServer'
    dnsZoneName: 'privatelink.mysql.database.azure.com'
  }
}

output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output serverName string = server.name
output databaseName string = database.name
