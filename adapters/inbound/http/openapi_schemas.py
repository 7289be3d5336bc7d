"""JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the API's resources and problem documents."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(type_: str, **more: Any) -> Schema:
    return {"type": [type_, "null"], **more}


def page_of(name: str) -> Schema:
    return {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": {"type": "array", "items": ref(name)},
            "next_cursor": {
                **nullable("string"),
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
        },
    }


TIME: Schema = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC"}
ID: Schema = {"type": "string"}
ATTACHMENT_TYPES = ["image", "audio", "video", "file", "location", "contact", "sticker"]

SCHEMAS: dict[str, Schema] = {
    "NewAccount": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 255}},
    },
    "CreatedAccount": {
        "type": "object",
        "required": ["id", "name", "api_token"],
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "api_token": {"type": "string", "description": "Shown in this answer only."},
        },
    },
    "ChannelConfig": {
        "type": "object",
        "required": ["type"],
        "description": (
            "`type` is the channel slug; the other fields are that channel's config. Secret "
            "fields are never returned, except a secret channelhub generated for this very "
            "request (an `api` channel's `hmac_secret`), shown once."
        ),
        "properties": {"type": {"type": "string", "examples": ["api", "whatsapp_cloud"]}},
        "additionalProperties": True,
    },
    "Inbox": {
        "type": "object",
        "required": ["id", "name", "channel", "webhook_url", "created_at"],
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "channel": ref("ChannelConfig"),
            "webhook_url": {
                "type": "string",
                "format": "uri",
                "description": "{public_url}/webhooks/{channel_type}/{inbox_key}",
            },
            "needs_new_credentials": {
                "type": "boolean",
                "description": "The provider refused the credentials; PATCH new ones to clear it",
            },
            "credentials_error": {"type": ["string", "null"]},
            "webhook_error": {"type": ["string", "null"]},
            "created_at": TIME,
        },
    },
    "InboxList": {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": ref("Inbox")}},
    },
    "NewInbox": {
        "type": "object",
        "required": ["name", "channel"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "channel": ref("ChannelConfig"),
        },
    },
    "InboxPatch": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "channel": {
                "type": "object",
                "description": "Partial config, merged over the stored one; `type` cannot change.",
            },
        },
    },
    "Contact": {
        "type": "object",
        "required": ["id", "name", "phone_number", "email", "identifier", "created_at"],
        "properties": {
            "id": ID,
            "name": nullable("string"),
            "phone_number": nullable("string"),
            "email": nullable("string"),
            "identifier": nullable("string"),
            "created_at": TIME,
        },
    },
    "ContactPage": page_of("Contact"),
    "Conversation": {
        "type": "object",
        "required": [
            "id",
            "inbox_id",
            "contact",
            "status",
            "can_reply",
            "last_activity_at",
            "created_at",
        ],
        "properties": {
            "id": ID,
            "inbox_id": ID,
            "contact": ref("Contact"),
            "status": {"enum": ["open", "pending", "resolved"]},
            "can_reply": {
                "type": "boolean",
                "description": "False while the channel's messaging window is closed.",
            },
            "last_activity_at": TIME,
            "created_at": TIME,
        },
    },
    "ConversationPage": page_of("Conversation"),
    "NewConversation": {
        "type": "object",
        "required": ["inbox_id", "contact", "message"],
        "additionalProperties": False,
        "properties": {
            "inbox_id": ID,
            "contact": {
                "type": "object",
                "additionalProperties": False,
                "description": "At least one of source_id, phone_number or email.",
                "properties": {
                    name: {"type": "string"}
                    for name in ("source_id", "phone_number", "email", "name")
                },
            },
            "message": ref("OutgoingMessage"),
        },
    },
    "ConversationPatch": {
        "type": "object",
        "required": ["status"],
        "additionalProperties": False,
        "properties": {"status": {"enum": ["open", "pending", "resolved"]}},
    },
    "Attachment": {
        "type": "object",
        "required": ["id", "file_type", "url", "mime_type", "file_name", "size", "status"],
        "properties": {
            "id": ID,
            "file_type": {"enum": ATTACHMENT_TYPES},
            "url": {**nullable("string"), "description": "Null until the bytes are ready."},
            "mime_type": nullable("string"),
            "file_name": nullable("string"),
            "size": nullable("integer"),
            "status": {"enum": ["pending", "ready", "failed"]},
            "latitude": {**nullable("number"), "description": "Locations only."},
            "longitude": {**nullable("number"), "description": "Locations only."},
            "name": {**nullable("string"), "description": "Locations only."},
            "address": {**nullable("string"), "description": "Locations only."},
        },
    },
    "Message": {
        "type": "object",
        "required": [
            "id",
            "conversation_id",
            "message_type",
            "content",
            "content_type",
            "status",
            "source_id",
            "external_error",
            "attachments",
            "content_attributes",
            "created_at",
        ],
        "properties": {
            "id": ID,
            "conversation_id": ID,
            "message_type": {"enum": ["incoming", "outgoing"]},
            "content": nullable("string"),
            "content_type": {"type": "string", "examples": ["text", "button_reply", "template"]},
            "status": {"enum": ["pending", "sent", "delivered", "read", "failed"]},
            "source_id": {
                **nullable("string"),
                "description": "The provider's id; null until it accepted an outgoing message.",
            },
            "external_error": nullable("string"),
            "attachments": {"type": "array", "items": ref("Attachment")},
            "content_attributes": {"type": "object"},
            "created_at": TIME,
        },
    },
    "MessagePage": page_of("Message"),
    "OutgoingMessage": {
        "type": "object",
        "additionalProperties": False,
        "description": "Needs content, attachments or a template.",
        "properties": {
            "content": {"type": "string"},
            "attachments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["url", "file_type"],
                    "additionalProperties": False,
                    "properties": {
                        "url": {"type": "string", "format": "uri"},
                        "file_type": {"enum": ATTACHMENT_TYPES},
                        "file_name": {"type": "string"},
                    },
                },
            },
            "template": {
                "type": "object",
                "required": ["name", "language"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "language": {"type": "string"},
                    "parameters": {"type": "array", "items": {"type": "string"}},
                    "provider_params": {"type": "object"},
                },
            },
            "content_attributes": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "in_reply_to": ID,
                    "buttons": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "title"],
                            "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
    "ReadReceipt": {
        "type": "object",
        "required": ["status", "message_id"],
        "properties": {"status": {"type": "string"}, "message_id": {"type": ["string", "null"]}},
    },
    "Status": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string"}},
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details (application/problem+json).",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
        },
    },
    "ValidationProblem": {
        "allOf": [
            ref("Problem"),
            {
                "type": "object",
                "required": ["errors"],
                "properties": {
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "message"],
                            "properties": {
                                "field": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    }
                },
            },
        ]
    },
}
