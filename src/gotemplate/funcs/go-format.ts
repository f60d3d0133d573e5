/** The engine's Go fmt under the names the function library uses. */
export { formatValue, formatFloatV as formatFloat, quote as goQuote } from '../fmt.js';
