import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createApi } from './api/client'
import { API } from './api/use-api'
import './style.css'

createApp(App).use(createPinia()).provide(API, createApi()).mount('#app')
