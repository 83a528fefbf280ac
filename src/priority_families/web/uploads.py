"""The evidence size limit enforced while an upload streams in, not after the whole body has arrived."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from priority_families.outcomes.attest import MAX_EVIDENCE_BYTES


class EvidenceSizeLimit(FileUploadHandler):
    """First of the upload handlers: counts each file's bytes as they arrive and drops a file the moment it
    passes the limit (nothing more of it is kept), marking the request so the form can say why."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_EVIDENCE_BYTES:
            self.request.evidence_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
