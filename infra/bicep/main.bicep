// The commerce Function app and everything it connects to, with one user-assigned managed
// identity and no keys or connection strings in app settings. Deploy into a resource group:
//   az deployment group create -g <rg> -f infra/bicep/main.bicep -p infra/bicep/main.parameters.dev.json
// or `azd up` (azure.yaml). docs/deploy.md has the steps after the first deployment.

targetScope = 'resourceGroup'

@description('Environment name (dev, prod, or an azd environment); part of every unique name.')
@minLength(2)
@maxLength(16)
param environmentName string

@description('Short lowercase alphanumeric prefix of resource names (storage and Key Vault names allow no dashes).')
@minLength(2)
@maxLength(8)
param namePrefix string = 'commerce'

param location string = resourceGroup().location

param tags object = {}

// --- app ----------------------------------------------------------------------------
@description('Most instances the Flex Consumption plan scales out to.')
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
param instanceMemoryMB int = 2048

@description('Spread the Function app over availability zones (keeps two always-ready instances).')
param functionAppZoneRedundant bool = true

@description('Audience (application ID URI or client ID) of the Entra app registration whose app roles the API checks.')
param authAudience string

@description('Tenant that issues the bearer tokens; defaults to the deployment tenant.')
param authTenantId string = tenant().tenantId

// --- data services -------------------------------------------------------------------
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_ZRS'

@description('Cosmos DB serverless (dev) instead of autoscale throughput (prod).')
param cosmosServerless bool = true

param cosmosAutoscaleMaxThroughput int = 1000

param cosmosZoneRedundant bool = false

param mysqlSkuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param mysqlSkuTier string = 'Burstable'

@allowed([
  'Disabled'
  'ZoneRedundant'
  'SameZone'
])
param mysqlHighAvailability string = 'Disabled'

@allowed([
  'Disabled'
  'Enabled'
])
param mysqlGeoRedundantBackup string = 'Enabled'

@description('Login (display name) of the Microsoft Entra administrator of MySQL.')
param mysqlEntraAdminLogin string

@description('Object ID of the Microsoft Entra administrator of MySQL.')
param mysqlEntraAdminObjectId string

@description('Bootstrap password of the MySQL local administrator; unusable once aad_auth_only is ON. Pass a random value (docs/deploy.md).')
@secure()
param mysqlAdministratorPassword string

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param redisSkuName string = 'Standard'

param redisCapacity int = 1

@allowed([
  'Standard'
  'Premium'
])
param eventHubsSkuName string = 'Standard'

param eventHubsCapacity int = 1

param eventHubsPartitionCount int = 4

// --- catalog (commercetools) -----------------------------------------------------------
@description('commercetools project key; empty runs the catalog on the local store.')
param commercetoolsProjectKey string = ''

param commercetoolsClientId string = ''

@description('commercetools API URL of the project region.')
param commercetoolsApiUrl string = 'https://api.europe-west1.gcp.commercetools.com'

@description('commercetools auth URL of the project region.')
param commercetoolsAuthUrl string = 'https://auth.europe-west1.gcp.commercetools.com'

@description('commercetools API client secret, stored in Key Vault only.')
@secure()
param commercetoolsClientSecret string = ''

@description('Expiry of the stored client secret; defaults to 180 days after the deployment.')
param secretExpiry int = dateTimeToEpoch(dateTimeAdd(utcNow(), 'P180D'))

// The app roles the API checks (shared/security.py): the Entra app registration of
// `authAudience` must define each (docs/deploy.md); tests/infra keeps this list equal to
// the code's.
var apiAppRoles = [
  'ConfigHub.Admin'
  'ConfigHub.Reader'
  'Inventory.Admin'
  'Inventory.Reserve'
  'Sourcing.Admin'
  'Catalog.Admin'
  'Customer'
  'Order.Admin'
]

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var allTags = union(tags, {
  'azd-env-name': environmentName
  application: 'commerce-functions'
})
var names = {
  identity: 'id-${namePrefix}-${token}'
  mysqlIdentity: 'id-${namePrefix}-mysql-${token}'
  vnet: 'vnet-${namePrefix}-${token}'
  logAnalytics: 'log-${namePrefix}-${token}'
  appInsights: 'appi-${namePrefix}-${token}'
  storage: take('st${namePrefix}${token}', 24)
  cosmos: 'cosmos-${namePrefix}-${token}'
  mysql: 'mysql-${namePrefix}-${token}'
  redis: 'redis-${namePrefix}-${token}'
  eventHubs: 'evhns-${namePrefix}-${token}'
  keyVault: take('kv${namePrefix}${token}', 24)
  plan: 'plan-${namePrefix}-${token}'
  functionApp: 'func-${namePrefix}-${token}'
}

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: allTags
}

// MySQL reads Entra principals through its own identity (Microsoft Graph read permissions).
resource mysqlIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.mysqlIdentity
  location: location
  tags: allTags
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    name: names.vnet
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.appInsights
    location: location
    tags: allTags
    principalId: appIdentity.properties.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: allTags
    skuName: storageSkuName
    principalId: appIdentity.properties.principalId
    virtualNetworkId: network.outputs.id
    endpointsSubnetId: network.outputs.endpointsSubnetId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: names.cosmos
    location: location
    tags: allTags
    databaseName: 'commerce'
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    zoneRedundant: cosmosZoneRedundant
    principalId: appIdentity.properties.principalId
    virtualNetworkId: network.outputs.id
    endpointsSubnetId: network.outputs.endpointsSubnetId
  }
}

module mysql 'modules/mysql.bicep' = {
  name: 'mysql'
  params: {
    serverName: names.mysql
    location: location
    tags: allTags
    skuName: mysqlSkuName
    skuTier: mysqlSkuTier
    highAvailability: mysqlHighAvailability
    geoRedundantBackup: mysqlGeoRedundantBackup
    databaseName: 'confighub'
    entraAdminLogin: mysqlEntraAdminLogin
    entraAdminObjectId: mysqlEntraAdminObjectId
    serverIdentityId: mysqlIdentity.id
    administratorPassword: mysqlAdministratorPassword
    virtualNetworkId: network.outputs.id
    endpointsSubnetId: network.outputs.endpointsSubnetId
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    name: names.redis
    location: location
    tags: allTags
    skuName: redisSkuName
    capacity: redisCapacity
    principalId: appIdentity.properties.principalId
    principalName: appIdentity.name
    virtualNetworkId: network.outputs.id
    endpointsSubnetId: network.outputs.endpointsSubnetId
  }
}

module eventHubs 'modules/eventHubs.bicep' = {
  name: 'eventHubs'
  params: {
    namespaceName: names.eventHubs
    location: location
    tags: allTags
    skuName: eventHubsSkuName
    capacity: eventHubsCapacity
    partitionCount: eventHubsPartitionCount
    principalId: appIdentity.properties.principalId
    virtualNetworkId: network.outputs.id
    endpointsSubnetId: network.outputs.endpointsSubnetId
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    principalId: appIdentity.properties.principalId
    commercetoolsClientSecret: commercetoolsClientSecret
    secretExpiry: secretExpiry
    virtualNetworkId: network.outputs.id
    endpointsSubnetId: network.outputs.endpointsSubnetId
  }
}

// Every setting shared/settings.py marks {"azure": "required"}, plus the host's own
// identity-based connections. tests/infra/test_settings_contract.py reads this list.
var appSettings = concat([
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.outputs.name
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: appIdentity.properties.clientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: monitoring.outputs.connectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${appIdentity.properties.clientId};Authorization=AAD'
  }
  {
    // host.json sets telemetryMode OpenTelemetry; this lets the Python worker stream its
    // own OpenTelemetry logs and traces (azure-monitor-opentelemetry) instead of the host
    // duplicating them.
    name: 'PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY'
    value: 'true'
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: appIdentity.properties.clientId
  }
  {
    name: 'SQL_URL'
    value: 'mysql+pymysql://${appIdentity.name}@${mysql.outputs.fullyQualifiedDomainName}:3306/${mysql.outputs.databaseName}'
  }
  {
    name: 'SQL_AUTH'
    value: 'entra'
  }
  {
    name: 'CosmosConnection__accountEndpoint'
    value: cosmos.outputs.endpoint
  }
  {
    name: 'CosmosConnection__credential'
    value: 'managedidentity'
  }
  {
    name: 'CosmosConnection__clientId'
    value: appIdentity.properties.clientId
  }
  {
    name: 'COSMOS_DATABASE'
    value: cosmos.outputs.databaseName
  }
  {
    name: 'REDIS_HOST'
    value: redis.outputs.hostName
  }
  {
    name: 'REDIS_PORT'
    value: string(redis.outputs.sslPort)
  }
  {
    name: 'EventHubConnection__fullyQualifiedNamespace'
    value: eventHubs.outputs.fullyQualifiedNamespace
  }
  {
    name: 'EventHubConnection__credential'
    value: 'managedidentity'
  }
  {
    name: 'EventHubConnection__clientId'
    value: appIdentity.properties.clientId
  }
  {
    name: 'INVENTORY_EXPIRY_SCHEDULE'
    value: '0 */1 * * * *'
  }
  {
    name: 'SOURCING_CONFIG_PROFILE'
    value: 'prod'
  }
  {
    name: 'CHECKOUT_REPAIR_SCHEDULE'
    value: '0 */1 * * * *'
  }
  {
    name: 'AUTH_MODE'
    value: 'entra'
  }
  {
    name: 'AUTH_TENANT_ID'
    value: authTenantId
  }
  {
    name: 'AUTH_AUDIENCE'
    value: authAudience
  }
  {
    name: 'CTP_PROJECT_KEY'
    value: commercetoolsProjectKey
  }
  {
    name: 'CTP_CLIENT_ID'
    value: commercetoolsClientId
  }
  {
    name: 'CTP_API_URL'
    value: commercetoolsApiUrl
  }
  {
    name: 'CTP_AUTH_URL'
    value: commercetoolsAuthUrl
  }
  {
    name: 'CTP_CLIENT_SECRET'
    value: keyVault.outputs.commercetoolsSecretReference
  }
], cosmos.outputs.appSettings, eventHubs.outputs.appSettings)

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    identityId: appIdentity.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    subnetId: network.outputs.appSubnetId
    appSettings: appSettings
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    zoneRedundant: functionAppZoneRedundant
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output APP_IDENTITY_NAME string = appIdentity.name
output APP_IDENTITY_CLIENT_ID string = appIdentity.properties.clientId
output MYSQL_IDENTITY_PRINCIPAL_ID string = mysqlIdentity.properties.principalId
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output EVENTHUB_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output MYSQL_HOST string = mysql.outputs.fullyQualifiedDomainName
output MYSQL_SERVER_NAME string = mysql.outputs.serverName
output REDIS_HOST string = redis.outputs.hostName
output KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output API_APP_ROLES array = apiAppRoles
