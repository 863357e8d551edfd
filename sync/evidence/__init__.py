"""Evidence bytes: content-addressed blobs, resumable uploads, photos, signatures, GC."""
