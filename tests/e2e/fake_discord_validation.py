"""Discord-style request validation and error payloads for the emulated Discord.

Limits follow the public API documentation; a payload the real API would reject with
``50035 Invalid Form Body`` (or another JSON error code) is rejected here the same way, so a bot that
only works against a lenient fake fails in tests instead of in production.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
UNKNOWN_CHANNEL = 10003
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
MISSING_ACCESS = 50001
CANNOT_SEND_EMPTY_MESSAGE = 50006
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
INTERACTION_ALREADY_ACKNOWLEDGED = 40060

CHAT_INPUT_NAME_RE = re.compile(r"^[-_'\w]{1,32}$", re.UNICODE)
OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
CHOICE_VALUE_TYPES: dict[int, tuple[type, ...]] = {3: (str,), 4: (int,), 10: (int, float)}  # string, integer, number
MAX_COMMAND_CHARACTERS = 4000  # name, description and every option's and choice's name, description and value

MESSAGE_FLAGS_ALLOWED_ON_CREATE = (1 << 2) | (1 << 12) | (1 << 15)  # SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, V2
INTERACTION_MESSAGE_FLAGS_ALLOWED = MESSAGE_FLAGS_ALLOWED_ON_CREATE | (1 << 6)  # + EPHEMERAL


class DiscordAPIError(Exception):
    """An error the emulated API answers with: HTTP status plus Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def payload(self) -> dict[str, Any]:
        """The JSON body Discord sends for this error."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(code: int, what: str) -> DiscordAPIError:
    """404 with a JSON code, e.g. ``not_found(UNKNOWN_CHANNEL, "Unknown Channel")``."""
    return DiscordAPIError(404, code, what)


def missing_permissions() -> DiscordAPIError:
    """403 Missing Permissions (50013)."""
    return DiscordAPIError(403, MISSING_PERMISSIONS, "Missing Permissions")


def missing_access() -> DiscordAPIError:
    """403 Missing Access (50001)."""
    return DiscordAPIError(403, MISSING_ACCESS, "Missing Access")


class FormErrors:
    """Collects field errors and renders them in Discord's nested ``errors`` format."""

    def __init__(self) -> None:
        self._errors: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        """Record an error for the field at ``path`` (e.g. ``["embeds", 0, "title"]``)."""
        node = self._errors
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        """Raise ``DiscordAPIError(400, 50035)`` if any error was recorded."""
        if self._errors:
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body", self._errors)


def _check_length(errors: FormErrors, path: Sequence[str | int], value: Any, maximum: int, *, minimum: int = 0) -> None:
    if value is None:
        if minimum:
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
        return
    if len(value) > maximum:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {maximum} or fewer in length.")
    elif len(value) < minimum:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {maximum} in length.")


def validate_embeds(embeds: Any, errors: FormErrors) -> None:
    """Validate the ``embeds`` array against Discord's embed limits (incl. the 6000 character total)."""
    if not isinstance(embeds, list):
        errors.add(["embeds"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > 10:
        errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        path: list[str | int] = ["embeds", index]
        if not isinstance(embed, Mapping):
            errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_length(errors, [*path, "title"], embed.get("title"), 256)
        _check_length(errors, [*path, "description"], embed.get("description"), 4096)
        color = embed.get("color")
        if color is not None and not (isinstance(color, int) and 0 <= color <= 0xFFFFFF):
            errors.add([*path, "color"], "NUMBER_TYPE_MAX", "int value should be <= 16777215 and >= 0.")
        for key in ("url",):
            url = embed.get(key)
            if url is not None and not re.match(r"^(https?|attachment)://", str(url)):
                errors.add([*path, key], "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        _check_length(errors, [*path, "footer", "text"], footer.get("text"), 2048, minimum=1 if footer else 0)
        _check_length(errors, [*path, "author", "name"], author.get("name"), 256, minimum=1 if author else 0)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add([*path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for field_index, item in enumerate(fields):
            _check_length(errors, [*path, "fields", field_index, "name"], item.get("name"), 256, minimum=1)
            _check_length(errors, [*path, "fields", field_index, "value"], item.get("value"), 1024, minimum=1)
            total += len(str(item.get("name") or "")) + len(str(item.get("value") or ""))
        total += sum(
            len(str(value or ""))
            for value in (embed.get("title"), embed.get("description"), footer.get("text"), author.get("name"))
        )
    if total > 6000:
        errors.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _walk_components(components: Sequence[Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for component in components:
        if not isinstance(component, Mapping):
            continue
        found.append(component)
        found.extend(_walk_components(component.get("components") or []))
        if isinstance(component.get("accessory"), Mapping):
            found.append(component["accessory"])
        if isinstance(component.get("component"), Mapping):
            found.extend(_walk_components([component["component"]]))
    return found


def iter_components(components: Sequence[Any]) -> list[Mapping[str, Any]]:
    """Flatten a component tree (action rows, sections, containers, labels) depth first."""
    return _walk_components(components)


def validate_components(components: Any, errors: FormErrors, *, v2: bool = False) -> None:
    """Validate message components: row layout, custom_id uniqueness, label/option limits."""
    if not isinstance(components, list):
        errors.add(["components"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if not v2:
        if len(components) > 5:
            errors.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for row_index, row in enumerate(components):
            path: list[str | int] = ["components", row_index]
            if not isinstance(row, Mapping) or row.get("type") != 1:
                errors.add(path, "UNION_TYPE_CHOICES", "Top level components must be action rows.")
                continue
            children = row.get("components") or []
            if not children:
                errors.add([*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
            selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
            if len(children) > 5 or (selects and len(children) > 1):
                errors.add(
                    [*path, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
    elif len(_walk_components(components)) > 40:
        errors.add(["components"], "COMPONENT_MAX_TOTAL_EXCEEDED", "Must be 40 or fewer in total.")
    seen: set[str] = set()
    for component in _walk_components(components):
        ctype = component.get("type")
        custom_id = component.get("custom_id")
        if custom_id is not None:
            _check_length(errors, ["components", "custom_id"], custom_id, 100, minimum=1)
            if custom_id in seen:
                errors.add(["components"], "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
            seen.add(custom_id)
        if ctype == 2:
            style = component.get("style")
            _check_length(errors, ["components", "label"], component.get("label"), 80)
            if style == 5 and (not component.get("url") or custom_id is not None):
                errors.add(["components", "url"], "BUTTON_COMPONENT_URL_REQUIRED", "A url is required")
            if style in (1, 2, 3, 4) and custom_id is None:
                errors.add(
                    ["components", "custom_id"], "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required"
                )
            if not component.get("label") and not component.get("emoji") and style != 6:
                errors.add(["components", "label"], "BASE_TYPE_REQUIRED", "A label or emoji is required")
        elif ctype in (3, 5, 6, 7, 8):
            if custom_id is None:
                errors.add(["components", "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
            _check_length(errors, ["components", "placeholder"], component.get("placeholder"), 150)
            min_values = component.get("min_values", 1)
            max_values = component.get("max_values", 1)
            if not (0 <= min_values <= 25) or not (1 <= max_values <= 25) or min_values > max_values:
                errors.add(["components", "max_values"], "SELECT_COMPONENT_VALUES_INVALID", "Invalid min/max values")
            if ctype == 3:
                options = component.get("options") or []
                if not 1 <= len(options) <= 25:
                    errors.add(["components", "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
                values = [o.get("value") for o in options]
                if len(set(values)) != len(values):
                    errors.add(
                        ["components", "options"],
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Option values must be unique",
                    )
                for option in options:
                    _check_length(errors, ["components", "options", "label"], option.get("label"), 100, minimum=1)
                    _check_length(errors, ["components", "options", "value"], option.get("value"), 100, minimum=1)
                    _check_length(errors, ["components", "options", "description"], option.get("description"), 100)
                if max_values > max(len(options), 1):
                    errors.add(
                        ["components", "max_values"], "SELECT_COMPONENT_VALUES_INVALID", "max_values exceeds options"
                    )


def validate_message_payload(
    payload: Mapping[str, Any],
    *,
    file_count: int = 0,
    allowed_flags: int = MESSAGE_FLAGS_ALLOWED_ON_CREATE,
    require_body: bool = True,
) -> None:
    """Validate a message create/edit body like Discord does; raise :class:`DiscordAPIError` on failure."""
    errors = FormErrors()
    content = payload.get("content")
    _check_length(errors, ["content"], content, 2000)
    if "embeds" in payload and payload["embeds"] is not None:
        validate_embeds(payload["embeds"], errors)
    flags = int(payload.get("flags") or 0)
    if flags & ~allowed_flags:
        errors.add(["flags"], "MESSAGE_FLAGS_INVALID", f"Invalid flags {flags & ~allowed_flags}")
    if payload.get("components") is not None:
        validate_components(payload["components"], errors, v2=bool(flags & (1 << 15)))
    if flags & (1 << 15) and (content or payload.get("embeds")):
        errors.add(
            ["content"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "Cannot use content or embeds with components v2",
        )
    allowed = payload.get("allowed_mentions")
    if isinstance(allowed, Mapping):
        parse = allowed.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and allowed.get(kind):
                errors.add(
                    ["allowed_mentions"],
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.',
                )
    errors.raise_if_any()
    if require_body:
        has_body = bool(
            content
            or payload.get("embeds")
            or payload.get("components")
            or payload.get("sticker_ids")
            or payload.get("poll")
            or file_count
            or payload.get("attachments")
        )
        if not has_body:
            raise DiscordAPIError(400, CANNOT_SEND_EMPTY_MESSAGE, "Cannot send an empty message")


def _validate_name(errors: FormErrors, path: list[str | int], name: Any) -> None:
    if not isinstance(name, str) or not CHAT_INPUT_NAME_RE.match(name) or name != name.lower():
        errors.add([*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _validate_choices(option: Mapping[str, Any], errors: FormErrors, path: list[str | int]) -> None:
    choices = option.get("choices")
    if not choices:
        return
    otype = option.get("type")
    if otype not in CHOICE_VALUE_TYPES:
        errors.add([*path, "choices"], "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Choices need string or number")
        return
    if option.get("autocomplete"):
        errors.add(
            [*path, "autocomplete"],
            "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES",
            "Autocomplete cannot be enabled on options with choices",
        )
    if len(choices) > 25:
        errors.add([*path, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        _check_length(errors, [*path, "choices", index, "name"], choice.get("name"), 100, minimum=1)
        value = choice.get("value")
        if not isinstance(value, CHOICE_VALUE_TYPES[otype]) or isinstance(value, bool):
            errors.add([*path, "choices", index, "value"], "BASE_TYPE_CHOICES", "Value does not match the option type")
        elif isinstance(value, str):
            _check_length(errors, [*path, "choices", index, "value"], value, 100, minimum=1)


def _validate_options(options: Any, errors: FormErrors, path: list[str | int], parent: int | None) -> None:
    """Options of a command (``parent`` None), a subcommand group (2) or a subcommand (1).

    Discord's nesting: a command holds either subcommands/groups or value options, never both; a group holds
    only subcommands (so at most command -> group -> subcommand); a subcommand holds only value options.
    """
    if not isinstance(options, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    if parent == OPT_SUB_COMMAND_GROUP and not options:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", "A subcommand group needs between 1 and 25 subcommands.")
    names = [option.get("name") for option in options]
    if len(set(names)) != len(names):
        errors.add(path, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
    nested = [o.get("type") in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in options]
    if any(nested) and not all(nested):
        errors.add(
            path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other types",
        )
    seen_optional = False
    for index, option in enumerate(options):
        option_path = [*path, index]
        otype = option.get("type")
        if not isinstance(otype, int) or not 1 <= otype <= 11:
            errors.add([*option_path, "type"], "BASE_TYPE_CHOICES", f"Value must be one of 1..11, got {otype!r}.")
            continue
        _validate_name(errors, option_path, option.get("name"))
        _check_length(errors, [*option_path, "description"], option.get("description"), 100, minimum=1)
        allowed_here = {
            None: True,
            OPT_SUB_COMMAND_GROUP: otype == OPT_SUB_COMMAND,
            OPT_SUB_COMMAND: otype not in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP),
        }[parent]
        if not allowed_here:
            errors.add(
                [*option_path, "type"], "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "Groups may hold only subcommands, and subcommands no subcommands or groups (nesting too deep)",
            )
            continue
        if otype in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP):
            _validate_options(option.get("options") or [], errors, [*option_path, "options"], otype)
            continue
        if option.get("required"):
            if seen_optional:
                errors.add(
                    option_path,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        _validate_choices(option, errors, option_path)
        if option.get("autocomplete") and otype not in CHOICE_VALUE_TYPES:
            errors.add(
                [*option_path, "autocomplete"],
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "Autocomplete requires a string or number option",
            )


def _command_characters(item: Mapping[str, Any]) -> int:
    total = len(str(item.get("name") or "")) + len(str(item.get("description") or ""))
    for choice in item.get("choices") or []:
        total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    return total + sum(_command_characters(option) for option in item.get("options") or [])


def validate_command(command: Mapping[str, Any], errors: FormErrors, path: list[str | int]) -> None:
    """Validate one application command payload (name, description, option structure, sizes, permissions)."""
    ctype = command.get("type", 1)
    name = command.get("name")
    if ctype == 1:
        _validate_name(errors, path, name)
        _check_length(errors, [*path, "description"], command.get("description"), 100, minimum=1)
        _validate_options(command.get("options") or [], errors, [*path, "options"], None)
        if _command_characters(command) > MAX_COMMAND_CHARACTERS:
            errors.add(path, "APPLICATION_COMMAND_TOO_LARGE", f"Command exceeds {MAX_COMMAND_CHARACTERS} characters")
    elif ctype in (2, 3):
        _check_length(errors, [*path, "name"], name, 32, minimum=1)
        if command.get("description"):
            errors.add(
                [*path, "description"],
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have a description",
            )
    elif ctype != 4:
        errors.add([*path, "type"], "BASE_TYPE_CHOICES", f"Value must be one of (1, 2, 3, 4), got {ctype!r}.")
    permissions = command.get("default_member_permissions")
    if permissions is not None and not str(permissions).isdigit():
        errors.add([*path, "default_member_permissions"], "NUMBER_TYPE_COERCE", "Value is not a permission bitfield")
    contexts = command.get("contexts")
    if contexts is not None and (not isinstance(contexts, list) or any(c not in (0, 1, 2) for c in contexts)):
        errors.add([*path, "contexts"], "BASE_TYPE_CHOICES", "Contexts must be a list of 0, 1 and 2")


def validate_command_list(commands: Any) -> None:
    """Validate a bulk-overwrite command list; raise :class:`DiscordAPIError` on failure."""
    errors = FormErrors()
    if not isinstance(commands, list):
        errors.add([], "BASE_TYPE_ARRAY", "Must be an array.")
        errors.raise_if_any()
    seen: set[tuple[int, str]] = set()
    counts: dict[int, int] = {}
    for index, command in enumerate(commands):
        validate_command(command, errors, [index])
        key = (command.get("type", 1), command.get("name"))
        if key in seen:
            errors.add(
                [index, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {key[1]}",
            )
        seen.add(key)
        counts[key[0]] = counts.get(key[0], 0) + 1
    if counts.get(1, 0) > 100 or counts.get(2, 0) > 15 or counts.get(3, 0) > 15:
        errors.add([], "BASE_TYPE_MAX_LENGTH", "Too many application commands")
    errors.raise_if_any()


def validate_autocomplete_choices(data: Any) -> None:
    """Validate the ``data`` of an autocomplete (type 8) interaction callback."""
    errors = FormErrors()
    choices = (data or {}).get("choices")
    if not isinstance(choices, list):
        errors.add(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
    if len(choices) > 25:
        errors.add(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        _check_length(errors, ["data", "choices", index, "name"], choice.get("name"), 100, minimum=1)
        if isinstance(choice.get("value"), str):
            _check_length(errors, ["data", "choices", index, "value"], choice.get("value"), 100)
    errors.raise_if_any()
