"""A publish that the consent or audio rules refuse still keeps the editor's work.

The page editor's form refuses such a publish with "The page could not be saved", although the
edits could well be kept as a draft. Here, before the page editor handles a publish, the same
rules are asked about the submitted consents and audio; if they refuse, the request goes on as
"save draft", and afterwards the editor reads that the draft is saved, why it was not published
and what to do: a link that creates the missing consent record for this page and comes back.
A submission for review with the same problems goes through, with the same explanation.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages

from .gates import consent_problems
from .models import ConsentLinkedPage, ConsentRecord, Scope

REFUSED = "_hub_publish_refused"
CONSENT_SECTION = "#panel-child-content-consent-section"


def submitted_problems(request, page_class) -> tuple[list[str], bool]:
    """What the rules say about the submitted form: (problems, whether consent is one of them)."""
    problems: list[str] = []
    consent = False
    if issubclass(page_class, ConsentLinkedPage):
        ids = [int(value) for value in request.POST.getlist("consents") if value.isdigit()]
        no_person = bool(request.POST.get("no_identifiable_person"))
        found = consent_problems(ConsentRecord.objects.filter(pk__in=ids), no_person, Scope.WEBSITE)
        problems += found
        consent = bool(found)
    from hub.radio.models import EpisodePage, audio_publish_problem

    if issubclass(page_class, EpisodePage):
        from hub.audio.models import AudioAsset

        audio_id = request.POST.get("audio", "")
        audio = AudioAsset.objects.filter(pk=int(audio_id)).first() if audio_id.isdigit() else None
        if problem := audio_publish_problem(audio):
            problems.append(problem)
    return problems, consent


def _check(request, page_class) -> None:
    if request.method != "POST":
        return
    action = (
        "publish" if request.POST.get("action-publish") else "submit" if request.POST.get("action-submit") else None
    )
    if action is None:
        return
    problems, consent = submitted_problems(request, page_class)
    if not problems:
        return
    if action == "publish":
        data = request.POST.copy()
        del data["action-publish"]
        request.POST = data  # the page editor now saves a draft
    setattr(request, REFUSED, (action, problems, consent))


@hooks.register("before_edit_page", order=100)
def keep_draft_of_refused_publish(request, page):
    _check(request, page.specific_class)


@hooks.register("before_create_page", order=100)
def keep_new_draft_of_refused_publish(request, parent_page, page_class):
    _check(request, page_class)


def consent_create_url(page, next_url: str) -> str:
    return (
        reverse("wagtailsnippets_consent_consentrecord:add") + "?" + urlencode({"for_page": page.pk, "next": next_url})
    )


def _explain(request, page):
    refused = getattr(request, REFUSED, None)
    if refused is None or page.pk is None:
        return None
    action, problems, consent = refused
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if action == "publish":
        intro = _("Your changes are saved as a draft, but the page was not published:")
    else:
        intro = _("Submitted for review. It cannot be published until this is resolved:")
    buttons = []
    advice = ""
    if consent:
        if request.user.has_perm("consent.add_consentrecord"):
            buttons.append(messages.button(consent_create_url(page, edit_url), _("Add a consent record for this page")))
        else:
            advice = _("Ask a consent officer to record the missing consent, then link it in the Consent section.")
        buttons.append(messages.button(edit_url + CONSENT_SECTION, _("Go to the Consent section"), new_window=False))
    message = format_html(
        "{} {}{}",
        intro,
        format_html_join(" ", "{}", ((problem,) for problem in problems)),
        format_html(" {}", advice) if advice else "",
    )
    messages.warning(request, message, buttons=buttons)
    return redirect(edit_url) if action == "publish" else None


@hooks.register("after_edit_page")
def explain_refused_publish(request, page):
    return _explain(request, page)


@hooks.register("after_create_page")
def explain_refused_publish_of_new_page(request, page):
    return _explain(request, page)


@hooks.register("construct_page_action_menu")
def translate_workflow_name(menu_items, request, context):
    """ "Submit to Editorial review" names the workflow in the editor's language."""
    from wagtail.admin.action_menu import SubmitForModerationMenuItem

    for item in menu_items:
        if type(item) is SubmitForModerationMenuItem:
            item.__class__ = TranslatedSubmitMenuItem


def _submit_item_class():
    from wagtail.admin.action_menu import SubmitForModerationMenuItem

    from .names import translated_name

    class TranslatedSubmit(SubmitForModerationMenuItem):
        def get_context_data(self, parent_context):
            context = super().get_context_data(parent_context)
            page = context.get("page")
            state = page.current_workflow_state if page else None
            if state and state.status == state.STATUS_NEEDS_CHANGES:
                return context
            workflow_page = page if page and page.pk else context.get("parent_page")
            workflow = workflow_page.get_workflow() if workflow_page else None
            if workflow:
                context["label"] = _("Submit to %(workflow_name)s") % {"workflow_name": translated_name(workflow.name)}
            return context

    return TranslatedSubmit


TranslatedSubmitMenuItem = _submit_item_class()
