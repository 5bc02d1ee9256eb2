// Validate JSON documents against a JSON Schema with ajv (Draft 2020-12), the validator
// editors use: `node validate-json-schema.mjs SCHEMA DOCUMENTS` prints, for each document
// of the DOCUMENTS array, null (valid) or the list of its errors, as one JSON array.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, documentsPath] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })  // required languages are patternProperties;
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
const documents = JSON.parse(readFileSync(documentsPath, "utf8"));
process.stdout.write(JSON.stringify(documents.map((document) =>
  validate(document) ? null : validate.errors.map((e) => `${e.instancePath} ${e.message}`))));
