"""The WhatsApp Graph format, shared by every channel that speaks it (Meta's Cloud API and
360dialog, which relays the same JSON): webhook payloads into domain events, send bodies, error
classification, the HTTP client parts and the simulator core.

It lives outside `channels/` because channel plugins may not import each other.
"""
