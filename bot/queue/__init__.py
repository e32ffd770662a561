"""The work queue between the web process and the workers: jobs in the database, a bounded pool of threads."""
