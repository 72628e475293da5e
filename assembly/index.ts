// The kernels' exports. Each kernel lives in its own file; this file only lists them.
export { xxhash32 } from './hash';
export { tableNew, tableFree, tableClear, tableMerge, tableDropZeros } from './table';
export {
  combinerNew,
  combinerFree,
  combinerClear,
  combinerTable,
  combinerAddTokens,
  combinerMerge,
  combinerDropZeros,
  combinerTrackZeros,
} from './combine';
export { combinerPackedSize, combinerPack, combinerPackSplit, packedSplitSize, combinerMergePacked } from './packed';
export { slidingNew, slidingFree, slidingClear, slidingSize, slidingPush, slidingEvict, slidingResult } from './window';
export { scratch, outBuffer, tableCount } from './exports';
