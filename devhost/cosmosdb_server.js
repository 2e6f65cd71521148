// Starts @vercel/cosmosdb-server (HTTPS, self-signed certificate) for local runs and tests.
//
//   node devhost/cosmosdb_server.js [port]        (or COSMOSDB_SERVER_PORT; 0 = any free port)
//
// It listens on 127.0.0.1 only (COSMOSDB_SERVER_HOST overrides) and prints one line
// "cosmosdb-server listening on https://HOST:PORT" once it accepts connections; the
// test harness (tests/cosmos_server.py) waits for that line. Data lives in memory.
"use strict";

const patchOperations = require("@vercel/cosmosdb-server/lib/handler/_patch-operations");
const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
const partitionHeader = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");

// The server lower-cases a "FROM c WHERE ..." patch condition before evaluating it, so
// camelCase fields and string literals never match. Cosmos DB evaluates the condition as
// written; rewrite it into the full query form, which the server runs verbatim.
const PREFIX = /^\s*from\s+c\s+where\s+/i;
const original = patchOperations.patchOperation;
patchOperations.patchOperation = (collection, input) => {
  if (typeof input.condition === "string" && PREFIX.test(input.condition)) {
    const where = input.condition.replace(PREFIX, "");
    input = { ...input, condition: `SELECT * FROM c WHERE c.id = @id AND (${where})` };
  }
  return original(collection, input);
};

// Reading a missing document crashes the server's handler (500 instead of 404); answer
// 404 like Cosmos DB. Patched before the routes module captures the handler.
const readOriginal = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  const header = partitionHeader.default(req);
  if (collection.read() && header) {
    const key = partitionHeader.parsePartitionKey(header, params.docId);
    if (!collection.document(params.docId, key).read()) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
  }
  return readOriginal(account, req, res, params);
};

const { createHttpsServer } = require("@vercel/cosmosdb-server");

const port = parseInt(process.argv[2] || process.env.COSMOSDB_SERVER_PORT || "8081", 10);
const host = process.env.COSMOSDB_SERVER_HOST || "127.0.0.1";

// keepAlive: the server answers "connection: close" otherwise, and every request of the
// SDK would pay a new TLS handshake.
const server = createHttpsServer({ keepAlive: true }).listen(port, host, () => {
  const address = server.address();
  console.log(`cosmosdb-server listening on https://${host}:${address.port}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
