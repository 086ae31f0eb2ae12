"""Around the pipeline: campaign files and bulk runs (one letter per commune, print file, manifest)."""
