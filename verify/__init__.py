"""Spotcheck's standalone verification core.

This package is the single implementation of Spotcheck's formats (canonical JSON, event hashes and
chains, RFC 6962 Merkle trees and proofs, C2SP signed notes and checkpoints) and the offline verifier
that auditors run. It imports nothing from the rest of the project and needs only ``cryptography``
and the Python standard library, so that it can be copied out and run alone.
"""
