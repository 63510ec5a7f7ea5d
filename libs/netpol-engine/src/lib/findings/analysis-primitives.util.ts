// The analysis internals findings build on, imported in one place so that a refactoring of the
// analysis module touches one file here.
export { effectivePolicyTypes } from '../analysis/policy-ir.util';
export { selectorKey, selectorMatches, labelsKey } from '../analysis/label-selector.util';
export {
  type AddressSet,
  ipBlockAddresses,
  renderAddressSet,
  subtractAddressSets,
  unionAddressSets,
} from '../analysis/ip-address.util';
export { ALL_PORT_RANGES, normalizePortRanges, PROTOCOL_SPAN, protocolIndex, subtractPortRanges } from '../analysis/port-set.util';
export { NAMESPACE_NAME_LABEL } from '../analysis/prepared-inventory.util';
