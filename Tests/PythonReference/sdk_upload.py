"""Uploads a file to a presigned URL with the official Openlayer SDK's own Uploader, so that a test
can compare what the SDK sends to storage with what openlayer-drop sends to the same server.

Usage: sdk_upload.py STORAGE URL FIELDS_JSON FILE OBJECT_NAME
  STORAGE      s3, gcs, azure or local (the SDK's StorageType values)
  FIELDS_JSON  the presigned URL's form fields as a JSON object ({} when there are none)

Prints the HTTP status the storage answered.
"""

import json
import sys
import types

from openlayer.lib.data._upload import StorageType, Uploader

storage, url, fields, path, object_name = sys.argv[1:6]
presigned = types.SimpleNamespace(url=url, fields=json.loads(fields), storage_uri=None)
# The Uploader takes a client for the API; uploading to a presigned URL never uses it.
response = Uploader(client=None, storage=StorageType(storage)).upload(
    file_path=path, object_name=object_name, presigned_url_response=presigned)
print(response.status_code)
