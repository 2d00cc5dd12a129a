//! The lesson view: a section of the training material with its live example —
//! what the material says and what Kubernetes does (the engine's evidence, from
//! the worker), what to look for, the exercise checked live, a reset and the
//! way to the previous and next lessons. Without a lesson open: the lessons and
//! the examples gallery.

use kubeplay_core::examples::{EXAMPLES, ExerciseStatus};
use kubeplay_core::lessons::{LESSONS, Lesson, Shown};
use yew::prelude::*;

use crate::components::findings::message_html;

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub example: Option<&'static str>,
    pub lesson: Option<&'static str>,
    pub exercise: Option<ExerciseStatus>,
    /// The evidence of the lesson's notes on the analysed text, in note order.
    pub notes: Vec<Shown>,
    /// The editor's text differs from the example as shipped.
    pub edited: bool,
    pub embed: bool,
    pub on_example: Callback<&'static str>,
    pub on_lesson: Callback<&'static str>,
    pub on_reset: Callback<()>,
    /// What a lesson without an example shows (the interview questions, the checklist).
    #[prop_or_default]
    pub children: Html,
}

/// `?lesson=<id>` (keeping `&embed`), opened in place when clicked.
pub fn lesson_link(lesson: &'static Lesson, embed: bool, on_lesson: &Callback<&'static str>, body: Html) -> Html {
    let href = format!("?lesson={}{}", lesson.id, if embed { "&embed" } else { "" });
    let onclick = {
        let on_lesson = on_lesson.clone();
        let id = lesson.id;
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            on_lesson.emit(id)
        })
    };
    html! { <a {href} {onclick} data-lesson-link={lesson.id}>{body}</a> }
}

fn example_section(props: &LessonProps) -> Html {
    let Some(example) = props.example.and_then(kubeplay_core::examples::example) else { return html! {} };
    let on_reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_: MouseEvent| on_reset.emit(()))
    };
    html! {
        <section class="lesson-current" aria-label="About this example" data-example={example.id}>
            <h2>{example.title}</h2>
            <p class="summary-text">{message_html(example.summary)}</p>
            <h3>{"What to look for"}</h3>
            <ul class="look-for">{ for example.look_for.iter().map(|item| html! { <li>{message_html(item)}</li> }) }</ul>
            <h3>{"Exercise"}</h3>
            <p>{message_html(example.exercise)}</p>
            if let Some(status) = &props.exercise {
                <ul class="goals" data-testid="goals" aria-live="polite">
                    { for status.goals.iter().map(|g| html! {
                        <li class={classes!("goal", g.met.then_some("met"))}>
                            <span class="tick" aria-hidden="true">{ if g.met { "✓" } else { "○" } }</span>
                            <span>{&g.text}</span>
                            <span class="visually-hidden">{ if g.met { " (done)" } else { " (not yet)" } }</span>
                        </li>
                    }) }
                </ul>
                if status.solved { <p class="solved" role="status">{"Solved — well done."}</p> }
            }
            <p class="lesson-actions">
                <button class="action" data-testid="reset" onclick={on_reset} disabled={!props.edited}
                    title="Put the example's original text back in the editor">{"↺ Reset to the original"}</button>
            </p>
        </section>
    }
}

fn notes_section(lesson: &Lesson, notes: &[Shown]) -> Html {
    if lesson.notes.is_empty() {
        return html! {};
    }
    html! {
        <section class="notes" aria-label="The material says, Kubernetes does">
            <h3>{"The material says · Kubernetes does"}</h3>
            <ul class="note-list">
                { for lesson.notes.iter().enumerate().map(|(index, note)| {
                    let shown = notes.get(index);
                    html! {
                        <li class="note-card" data-note={index.to_string()}
                            data-holds={shown.map(|s| s.holds.to_string())}>
                            <p class="says"><span class="label">{"The material says"}</span>{message_html(note.material_says)}</p>
                            <p class="does"><span class="label">{"Kubernetes does"}</span>{message_html(note.kubernetes_does)}</p>
                            if let Some(shown) = shown {
                                <p class={classes!("evidence", (!shown.holds).then_some("gone"))} data-testid="evidence">
                                    <span class="source">{ if shown.holds { format!("The engine shows it · {}", shown.source) } else { format!("Your edit changed it · {}", shown.source) } }</span>
                                    <span class="detail">{message_html(&shown.detail)}</span>
                                </p>
                            } else {
                                <p class="evidence gone"><span class="detail">{"Open the lesson's own example to see the engine's evidence."}</span></p>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

fn navigation(index: usize, props: &LessonProps) -> Html {
    let previous = index.checked_sub(1).and_then(|i| LESSONS.get(i));
    let next = LESSONS.get(index + 1);
    html! {
        <nav class="lesson-nav" aria-label="Previous and next lesson">
            if let Some(previous) = previous {
                { lesson_link(previous, props.embed, &props.on_lesson, html! { <span class="prev" rel="prev">{format!("← {}", previous.section)}</span> }) }
            } else { <span></span> }
            <span class="position">{format!("Lesson {} of {}", index + 1, LESSONS.len())}</span>
            if let Some(next) = next {
                { lesson_link(next, props.embed, &props.on_lesson, html! { <span class="next" rel="next">{format!("{} →", next.section)}</span> }) }
            } else { <span></span> }
        </nav>
    }
}

/// Every lesson, in the material's order (the toolbar's menu lists them too).
fn lesson_index(props: &LessonProps) -> Html {
    html! {
        <ol class="lesson-index">
            { for LESSONS.iter().map(|lesson| html! {
                <li>
                    { lesson_link(lesson, props.embed, &props.on_lesson, html! { <>
                        <strong>{lesson.section}</strong>
                        <span>{lesson.summary}</span>
                    </> }) }
                </li>
            }) }
        </ol>
    }
}

#[function_component(LessonView)]
pub fn lesson_view(props: &LessonProps) -> Html {
    let open = props.lesson.and_then(|id| LESSONS.iter().position(|l| l.id == id).map(|i| (i, &LESSONS[i])));
    if let Some((index, lesson)) = open {
        let choices: Vec<&'static str> = lesson.example.into_iter().chain(lesson.variants.iter().copied()).collect();
        return html! {
            <div class="lesson" data-lesson={lesson.id}>
                { navigation(index, props) }
                <header class="lesson-head">
                    <p class="kicker">{format!("Training material · section {}", index + 1)}</p>
                    <h2>{lesson.section}</h2>
                    <p class="summary-text">{message_html(lesson.summary)}</p>
                </header>
                if choices.len() > 1 {
                    <div class="variants" role="group" aria-label="The material's options">
                        { for choices.iter().map(|id| {
                            let id = *id;
                            let title = kubeplay_core::examples::example(id).map_or(id, |e| e.title);
                            let selected = props.example == Some(id);
                            let onclick = { let on_example = props.on_example.clone(); Callback::from(move |_: MouseEvent| on_example.emit(id)) };
                            html! { <button class={classes!("filter", selected.then_some("on"))} aria-pressed={selected.to_string()} data-example={id} {onclick}>{title}</button> }
                        }) }
                    </div>
                }
                { notes_section(lesson, &props.notes) }
                if lesson.example.is_some() {
                    { example_section(props) }
                } else {
                    { props.children.clone() }
                }
                { navigation(index, props) }
            </div>
        };
    }
    html! {
        <div class="lesson">
            { example_section(props) }
            <section class="lessons" aria-label="Lessons of the training material">
                <h3>{"Lessons"}</h3>
                { lesson_index(props) }
            </section>
            <section class="gallery" aria-label="Examples from the training material">
                <h3>{"Examples"}</h3>
                <div class="cards">
                    { for EXAMPLES.iter().map(|example| {
                        let id = example.id;
                        let onclick = { let on_example = props.on_example.clone(); Callback::from(move |_: MouseEvent| on_example.emit(id)) };
                        let selected = props.example == Some(id);
                        html! {
                            <button class={classes!("card", selected.then_some("selected"))} aria-pressed={selected.to_string()} data-example={id} {onclick}>
                                <strong>{example.title}</strong>
                                <span>{message_html(example.summary)}</span>
                            </button>
                        }
                    }) }
                </div>
            </section>
        </div>
    }
}
