pub mod editor;
pub mod findings;
pub mod lesson;
pub mod resources;
pub mod security;
pub mod tabs;
pub mod toolbar;
