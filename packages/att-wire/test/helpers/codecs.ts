// Every codec the package exports, for the property and fuzz suites.
export { ALL_CODECS } from '../../src/codecs.js'
