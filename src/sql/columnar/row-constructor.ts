// Output rows of one fixed list of column names, built as object literals of one shape: the
// constructor is generated once per query (as Spark generates its projections), so a row is one
// allocation with its properties in place, instead of a keyed store per column into an empty
// object (a megamorphic store each, and a bigger object).
import type { Row, Value } from '../schema.js';

/** A function making the row `{ names[0]: values[0], ... }` (a later duplicate name wins, as in assignment). */
export function rowConstructor(names: readonly string[]): (values: readonly Value[]) => Row {
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`);
  return new Function('v', `return { ${fields.join(', ')} };`) as (values: readonly Value[]) => Row;
}
