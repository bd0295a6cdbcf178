// Imports a compiled module of src/ (run.mjs compiles them into SUIJI_UNIT_OUT).
import path from 'node:path'
import { pathToFileURL } from 'node:url'

export function load(rel) {
  return import(pathToFileURL(path.join(process.env.SUIJI_UNIT_OUT, rel)).href)
}
