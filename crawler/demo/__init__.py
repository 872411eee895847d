"""The bundled demo news site: a small Chinese regional news portal written for newsarchive."""
