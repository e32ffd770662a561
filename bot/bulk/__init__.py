"""Bulk segmentation: files larger than memory read in chunks, and partitioned sources assigned on Dask.

`chunks.py` reads a CSV (or a folder of CSV / Parquet partitions) as cleaned DataFrame chunks;
`chunked_run.py` fits on a sample and writes each row's segment chunk by chunk in one process;
`dask_run.py` does the same assignment on a Dask cluster, one task and one labels file per partition.
The analysis itself is `segmentation.streaming`.
"""
