// DataStreamReader (Spark's `spark.readStream`): a source format with options, loaded as a
// streaming DataFrame.
import { resolve } from 'node:path';
import { FlintError } from '../errors.js';
import type { DataFrame } from './dataframe.js';
import type { FlintSession } from './session.js';
import { FileStreamSource } from './sources/file-stream-source.js';
import { KafkaSource } from './sources/kafka/kafka-source.js';
import { parseKafkaSourceOptions, refuseUserSchema } from './sources/kafka/kafka-source-options.js';
import { RateSource } from './sources/rate-source.js';
import { SocketSource } from './sources/socket-source.js';
import type { FileFormat } from './sources/file-formats.js';
import type { Source } from './sources/source.js';
import { SchemaOptionsBuilder } from './options-builder.js';

/** The source formats `format()` accepts. */
export type SourceFormat = 'memory' | 'rate' | 'socket' | 'kafka' | FileFormat;

/** Builds a streaming DataFrame over a source (Spark's `DataStreamReader`). */
export class DataStreamReader extends SchemaOptionsBuilder {
  private sourceFormat: SourceFormat | undefined;

  constructor(private readonly session: FlintSession) {
    super();
  }

  /** `memory`, `rate`, `socket`, `kafka`, `text`, `json` or `csv`. */
  format(source: SourceFormat | string): this {
    const known: SourceFormat[] = ['memory', 'rate', 'socket', 'kafka', 'text', 'json', 'csv'];
    if (!known.includes(source as SourceFormat)) {
      throw new FlintError('INVALID_ARGUMENT', `readStream.format: unknown source "${source}"; use one of ${known.join(', ')}`);
    }
    this.sourceFormat = source as SourceFormat;
    return this;
  }







  /** The streaming DataFrame; file formats read `path` (or option `path`). */
  load(path?: string): DataFrame {
    const format = this.sourceFormat;
    if (path !== undefined) this.options.set('path', path);
    const o = new Map(this.options);
    switch (format) {
      case undefined:
        throw new FlintError('INVALID_ARGUMENT', "readStream: no source; call format('memory' | 'rate' | 'socket' | 'kafka' | 'text' | 'json' | 'csv') before load()");
      case 'memory': {
        const name = o.get('name');
        if (!name) throw new FlintError('INVALID_ARGUMENT', "memory source: option('name', ...) names the MemoryStream that flint.memoryStream(name) adds rows to");
        return this.session.memoryStream(name, this.userSchema).toDF();
      }
      case 'rate':
        return this.perQuery(() => new RateSource({ rowsPerSecond: o.get('rowspersecond'), rampUpTime: o.get('rampuptime'), numPartitions: o.get('numpartitions') }));
      case 'socket': {
        const host = o.get('host');
        const port = Number(o.get('port'));
        if (!host || !o.has('port')) throw new FlintError('INVALID_ARGUMENT', "socket source: set option('host', ...) and option('port', ...)");
        return this.perQuery(() => new SocketSource(host, port, (o.get('includetimestamp') ?? 'false').toLowerCase() === 'true'));
      }
      case 'kafka': {
        refuseUserSchema(this.userSchema);
        const options = parseKafkaSourceOptions(o);
        return this.perQuery(() => new KafkaSource(options));
      }
      default: {
        const dir = o.get('path');
        if (!dir) throw new FlintError('INVALID_ARGUMENT', `${format} source: 'path' is not specified; pass it to load(path) or ${format}(path)`);
        const schema = this.userSchema;
        return this.perQuery(() => new FileStreamSource(resolve(dir), format, schema, o, this.session.conf.compaction('fileSource'), this.session.conf.sessionTimeZone()));
      }
    }
  }

  // The options are checked now (the first instance); every query then makes its own source.
  private perQuery(make: () => Source): DataFrame {
    return this.session.streamingDataFrame(make(), make);
  }

  /** Lines of text files in `path` (column `value`). */
  text(path: string): DataFrame {
    return this.format('text').load(path);
  }

  /** JSON-lines files in `path`, read with the schema given. */
  json(path: string): DataFrame {
    return this.format('json').load(path);
  }

  /** CSV files in `path`, read with the schema given (options `header`, `sep`). */
  csv(path: string): DataFrame {
    return this.format('csv').load(path);
  }
}
