// The kernels' exports. Each kernel lives in its own file; this file only lists them.
export { xxhash32 } from './hash';
export {
  combinerNew,
  combinerFree,
  combinerClear,
  combinerAddTokens,
  combinerMerge,
  combinerDropZeros,
  combinerTrackZeros,
  combinerKeepDenseValues,
} from './combine';
export { combinerPackedSize, combinerPack, combinerMergePacked, combinerKeysVersion, combinerPackValues } from './packed';
export { combinerPackSplit, packedSplitSize } from './partition';
export { slidingNew, slidingFree, slidingSize, slidingPush, slidingEvict, slidingResult } from './window';
export { scratch, outBuffer } from './exports';
export { countLineFeeds } from './lines';
export {
  compositeNew,
  compositeFree,
  compositeUpsert,
  compositeRemove,
  compositeCompact,
  compositeKeys,
  compositeAlive,
  compositeCount,
  compositeLive,
} from './composite';
export {
  windowAggNew,
  windowAggFree,
  windowAggTable,
  windowAggBuffer,
  windowAggCapacity,
  windowAggEnsure,
  windowAggBegin,
  windowAggUpdate,
  windowAggMerge,
  windowAggTouched,
  windowAggCompact,
  windowAggSetStats,
  windowAggEvict,
  windowAggStat,
} from './window-aggregate';
export { dictNew, dictFree, dictIntern, dictInternCells, dictBytes, dictLength, dictMemory } from './dictionary';
export { csvRowsNew, csvRowsParse, csvRowsTimes, csvRowsNulls, csvRowsKeys } from './csv-rows';
export { rateRowsNew, rateRowsGenerate, rateRowsTimes, rateRowsValues } from './rate-rows';
